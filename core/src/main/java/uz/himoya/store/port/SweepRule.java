package uz.himoya.store.port;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One thing a retention sweep removes, as the store port sees it: a mapped table's retention rule in one
 * dialect (uz.himoya.store.postgres.PostgresSweepRule for PostgreSQL, uz.himoya.store.mysql.MysqlRetention.Rule for MySQL and
 * MariaDB) or one of Himoya's own housekeeping rules (uz.himoya.retention.OwnRule). A rule works in set-based
 * batches on a connection to the database that holds its rows, in a transaction the caller owns: the caller
 * commits the batch together with the record of it (for an app store, a row in the store's himoya_ledger).
 *
 * <p>A rule never reads Himoya's own tables: what it must leave alone comes in the {@link Scope} as values.
 *
 * <pre>{@code
 * SweepRule.Batch b = rule.batch(store, new SweepRule.Scope("demo", asOf, List.of("1005")), Optional.empty(), 5000);
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
     * run), and the subject keys that must not be touched (computed by the caller from Himoya's own records:
     * never joined in SQL, since Himoya's tables and the app's live in different databases).
     */
    record Scope(String appId, Instant asOf, List<String> excludedKeys) {
        public Scope {
            excludedKeys = List.copyOf(excludedKeys);
        }
    }

    /**
     * Where a rule's keyset walk stands: the retention column's value (as text) and the last row's identity
     * (its primary key, or on PostgreSQL tableoid and ctid), each part as text. The value is null where the rule
     * walks the table in its primary key's order (MySQL and MariaDB, a table mostly expired): the key alone then
     * places the walk.
     */
    record Cursor(String value, List<String> key) {
        public Cursor {
            key = List.copyOf(key);
        }
    }

    /**
     * picked: rows selected (and locked); affected: rows changed, always equal to picked (a batch where they
     * differ is refused by the row guard and rolled back); last: the new cursor, if any row was picked.
     */
    record Batch(long picked, long affected, Optional<Cursor> last) {
    }

    record Counts(long wouldAffect, long excluded) {
    }
}
