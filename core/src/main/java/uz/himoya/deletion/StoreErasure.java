package uz.himoya.deletion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.Ledger;
import uz.himoya.store.port.StoreEraser;

/**
 * Erases one subject's rows in one app store: every mapped table of the store, and the ledger row saying so,
 * in ONE transaction of that store. Exactly once across two databases: if the store committed and Himoya
 * did not (a crash, a timeout, Himoya's database down), the next attempt finds the ledger row and answers
 * the first run's counts without touching a row again.
 */
public final class StoreErasure {
    /** The ledger step of a request's erasure in a store. */
    public static final String STEP = "erasure";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Rows per table, in erasure order, and whether this call did the work or found it done. */
    public record Counts(Map<String, Long> rows, boolean fromLedger) {
    }

    private StoreErasure() {
    }

    /**
     * The store transaction's isolation: REPEATABLE READ, so every statement of the erasure reads one snapshot.
     * The PostgreSQL eraser then sends each table's guarded count and change as two statements in one round
     * trip instead of one statement with a per-row RETURNING (uz.himoya.store.postgres.PostgresErasureExecutor), and a row
     * another transaction changes under the erasure fails it with a serialization error (40001, retried) instead
     * of being skipped. MySQL and MariaDB default to it; their guard locks what it counts either way.
     */
    public static final int ISOLATION = Connection.TRANSACTION_REPEATABLE_READ;

    /** c: a connection to the store, auto-commit on; left with auto-commit on and its isolation as it was. */
    public static Counts run(Connection c, PrivacyMap.Store store, StoreEraser eraser, UUID requestId,
            String subjectKey) throws SQLException {
        int isolation = c.getTransactionIsolation();
        if (isolation != ISOLATION) {
            c.setTransactionIsolation(ISOLATION);
        }
        c.setAutoCommit(false);
        try {
            Optional<String> done = Ledger.find(c, store, requestId, STEP);
            Counts counts;
            if (done.isPresent()) {
                counts = new Counts(read(done.get()), true);
            } else {
                Map<String, Long> rows = new LinkedHashMap<>();
                for (TableOutcome o : eraser.erase(c, subjectKey)) {
                    rows.put(o.table(), o.rows());
                }
                Ledger.record(c, store, requestId, STEP, write(rows));
                counts = new Counts(rows, false);
            }
            c.commit();
            return counts;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException again) {
                e.addSuppressed(again);
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
            if (isolation != ISOLATION) {
                c.setTransactionIsolation(isolation);
            }
        }
    }

    public static String write(Map<String, Long> rows) {
        try {
            return JSON.writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("counts not writable");
        }
    }

    public static Map<String, Long> read(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Long>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("ledger counts not readable");
        }
    }
}
