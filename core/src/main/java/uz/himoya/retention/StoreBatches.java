package uz.himoya.retention;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;
import uz.himoya.crypto.Secrets;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.Ledger;
import uz.himoya.store.port.SweepRule;

/**
 * A batch of a rule on an app's table, exactly once across two databases: the batch and a row in the
 * store's himoya_ledger commit in ONE transaction of the store, and Himoya records the batch in its run
 * record after that. A crash between the two commits leaves the batch in the ledger only; the next
 * invocation of the run adds it to the run record before it runs any new batch (SweepEngine's reconcile).
 *
 * <p>The ledger row: request_id = the run's id, step = {@code retention:<rule>:<n>} (n = 1, 2, ... the batch's
 * number within the rule and run, as the run record's batches counts them), counts =
 * {@code {"picked":5000,"affected":5000,"limit":5000,"ms":812,"cursor":"<base64>"}}: what the batch picked and
 * changed, the limit it ran with (a batch that picked fewer rows ended the rule's walk), its time up to the
 * store's commit, and the keyset cursor it reached.
 *
 * <p>Why the cursor is sealed: its row identity may be a subject's key (users.id), and even the retention
 * column's value names one row of the app's table; the ledger holds no personal data. It must be reopened
 * (the walk resumes from it), so it is sealed with Himoya's secret (AES-GCM, uz.himoya.crypto.Secrets), not
 * hashed: the app's DBA reading the ledger sees counts and an opaque box. The box also names its run and
 * step, so a box copied to another row is refused. A box that cannot be opened (another secret, a copied
 * box) costs nothing but time: the rule then resumes from the run record's previous cursor, which is safe
 * because every row a batch changed no longer matches the rule (deleted, or its columns already hold what
 * anonymization writes, PostgresRetention's "done" tests), so re-walking a batch's range changes nothing twice.
 */
final class StoreBatches {
    private static final Logger LOG = Logger.getLogger(StoreBatches.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PREFIX = "retention:";

    /** One batch as the ledger records it. cursor: empty when the batch picked nothing (or the box is unreadable). */
    record Entry(long picked, long affected, int limit, long millis, Optional<SweepRule.Cursor> cursor) {
        /** A batch that picked fewer rows than it could found the end of the rule's walk. */
        boolean ended() {
            return picked < limit;
        }
    }

    private final Secrets secrets;

    StoreBatches(Secrets secrets) {
        this.secrets = secrets;
    }

    /** The ledger step of a rule's batch n, e.g. retention:access_logs:3. Rule names are map table names. */
    static String step(String rule, int number) {
        return PREFIX + rule + ":" + number;
    }

    /**
     * Runs the batch and records it in the store's ledger, in one transaction of the store, and commits it.
     * A second record of one batch (another invocation of the run did it) fails on the ledger's key and rolls
     * the batch back: {@link RunStore.OutOfStep}.
     *
     * @param s the store's connection, auto-commit on; left with auto-commit on
     */
    Entry run(Connection s, PrivacyMap.Store store, UUID run, SweepRule rule, SweepRule.Scope scope,
            Optional<SweepRule.Cursor> after, int limit, int number, long startedNanos) throws SQLException {
        s.setAutoCommit(false);
        try {
            SweepRule.Batch b = rule.batch(s, scope, after, limit);
            Entry e = new Entry(b.picked(), b.affected(), limit, (System.nanoTime() - startedNanos) / 1_000_000,
                    b.last());
            String step = step(rule.name(), number);
            try {
                Ledger.record(s, store, run, step, write(run, step, e));
            } catch (SQLException conflict) {
                if (conflict.getSQLState() != null && conflict.getSQLState().startsWith("23")) {
                    throw new RunStore.OutOfStep(run, rule.name(), number);
                }
                throw conflict;
            }
            s.commit();
            return e;
        } catch (SQLException | RuntimeException e) {
            try {
                s.rollback(); // MySQL keeps a transaction's earlier statements after a failed one: always roll back
            } catch (SQLException again) {
                e.addSuppressed(again);
            }
            throw e;
        } finally {
            try {
                s.setAutoCommit(true);
            } catch (SQLException ignored) {
                // a broken connection: the invocation ends on the failure already thrown
            }
        }
    }

    /** The ledger's record of the rule's batch n in this run, if the store committed it. */
    Optional<Entry> find(Connection s, PrivacyMap.Store store, UUID run, String rule, int number)
            throws SQLException {
        String step = step(rule, number);
        return Ledger.find(s, store, run, step).map(counts -> read(run, step, counts));
    }

    /**
     * Drops the ledger rows of a finished rule of the run. Only for a rule the run record has closed (DONE or
     * FAILED): it then holds every batch of the rule, so nothing the ledger alone knew is lost. The caller
     * treats a failure as harmless: the rows hold no personal data, and a store that grants Himoya no DELETE
     * on its ledger keeps them.
     */
    void forget(Connection s, PrivacyMap.Store store, UUID run, String rule) throws SQLException {
        Ledger.forget(s, store, run, PREFIX + rule + ":");
    }

    private String write(UUID run, String step, Entry e) {
        ObjectNode n = JSON.createObjectNode().put("picked", e.picked()).put("affected", e.affected())
                .put("limit", e.limit()).put("ms", e.millis());
        e.cursor().ifPresent(c -> n.put("cursor", Base64.getEncoder().encodeToString(seal(run, step, c))));
        return n.toString();
    }

    private Entry read(UUID run, String step, String counts) {
        try {
            JsonNode n = JSON.readTree(counts);
            Optional<SweepRule.Cursor> cursor = Optional.empty();
            if (n.hasNonNull("cursor")) {
                cursor = open(run, step, n.get("cursor").asText());
            }
            return new Entry(n.path("picked").asLong(), n.path("affected").asLong(), n.path("limit").asInt(),
                    n.path("ms").asLong(), cursor);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("ledger row " + step + " of run " + run + " is not readable");
        }
    }

    private byte[] seal(UUID run, String step, SweepRule.Cursor c) {
        ObjectNode n = JSON.createObjectNode().put("run", run.toString()).put("step", step).put("value", c.value());
        ArrayNode key = n.putArray("key");
        c.key().forEach(key::add);
        return secrets.encrypt(n.toString());
    }

    private Optional<SweepRule.Cursor> open(UUID run, String step, String box) {
        try {
            JsonNode n = JSON.readTree(secrets.decrypt(Base64.getDecoder().decode(box)));
            if (!run.toString().equals(n.path("run").asText()) || !step.equals(n.path("step").asText())) {
                throw new IllegalStateException("a cursor of another batch");
            }
            List<String> key = new ArrayList<>();
            n.path("key").forEach(k -> key.add(k.asText()));
            return Optional.of(new SweepRule.Cursor(n.path("value").isNull() ? null : n.path("value").asText(), key));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("run=%s %s: the ledger's cursor cannot be opened; the rule resumes from the run record's"
                    + " previous cursor", run, step);
            return Optional.empty();
        }
    }
}
