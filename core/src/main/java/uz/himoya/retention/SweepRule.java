package uz.himoya.retention;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One thing a retention sweep removes: a mapped table's retention rule ({@link MapRule}) or one of Himoya's
 * own housekeeping rules ({@link OwnRule}). A rule works in set-based batches on a connection whose
 * transaction the caller owns, so a batch and the progress recorded for it commit together.
 *
 * <pre>{@code
 * SweepRule.Batch b = rule.batch(c, new SweepRule.Scope("demo", asOf, List.of()), Optional.empty(), 5000);
 * }</pre>
 */
public interface SweepRule {

    String name();

    /** DELETE, ANONYMIZE, EXPIRE or PURGE: what happens to the rows, as the run record says it. */
    String action();

    /** Whether the rows belong to the app's data subjects, so that legal holds and open requests exclude them. */
    boolean subjectRows();

    /**
     * Changes at most limit rows past their retention, after the cursor if there is one.
     *
     * @param after the last row a previous batch of this run reached (keyset: column value, row identity)
     */
    Batch batch(Connection c, Scope scope, Optional<Cursor> after, int limit) throws SQLException;

    /** What a batch loop would change, and what the exclusions keep back; changes nothing (dry run). */
    Counts count(Connection c, Scope scope) throws SQLException;

    /**
     * What a batch needs to know: whose rows, as of when (all cut-offs are computed from asOf, fixed for a
     * run), and the subject keys that must not be touched.
     */
    record Scope(String appId, Instant asOf, List<String> excludedKeys) {
    }

    /**
     * Where a rule's keyset walk stands: the retention column's value (as text) and the last row's identity
     * (uz.himoya.db.RowIdentity: its primary key, or tableoid and ctid), each part as text.
     */
    record Cursor(String value, List<String> key) {
        public Cursor {
            key = List.copyOf(key);
        }
    }

    /**
     * picked: rows selected (and locked); affected: rows changed, always equal to picked (a batch where they
     * differ is refused by uz.himoya.db.RowGuard and rolled back); last: the new cursor, if any row was picked.
     */
    record Batch(long picked, long affected, Optional<Cursor> last) {
    }

    record Counts(long wouldAffect, long excluded) {
    }
}
