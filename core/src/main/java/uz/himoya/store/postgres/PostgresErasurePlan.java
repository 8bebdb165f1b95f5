package uz.himoya.store.postgres;

import java.util.List;
import java.util.Optional;
import uz.himoya.erasure.ErasureAction;
import uz.himoya.erasure.CutLoose;

/**
 * One app's erasure as a fixed list of set-based statements, children before parents: one statement per
 * table, never one per row. Built once per app from its validated privacy map. Each statement's parameters
 * are the strategies' bound values, then twice the rows it reaches: the subject's key, or for a referenced
 * table ({@link Step#ids()}) the keys captured before any row was touched. Each answers two counts, the
 * subject's rows in the table and the rows it changed ({@link uz.himoya.db.RowGuard}).
 *
 * <p>Before the steps, in the same transaction: the tombstones the map declares are created where missing
 * (parents first), then the captures read which rows of referenced tables the subject's rows point at, while
 * those rows still exist.
 */
public record PostgresErasurePlan(String appId, List<Step> steps, List<Capture> captures, List<Tombstone> tombstones) {

    public PostgresErasurePlan(String appId, List<Step> steps) {
        this(appId, steps, List.of(), List.of());
    }

    /** The steps on one store's tables, in erasure order. */
    public List<Step> steps(String store) {
        return steps.stream().filter(s -> s.store().equals(store)).toList();
    }

    /**
     * @param sql        the guarded change as one statement (the change and the count beside it), for any isolation
     * @param sameSnapshot the same count and change as two statements, for a transaction whose statements all
     *                   read one snapshot
     * @param ids        for a referenced table: the capture (by the referenced table's name) whose keys the statement
     *                   binds instead of the subject's key, as one array
     * @param cutLoose   the links to the subject this step cuts in the rows it keeps
     */
    public record Step(String table, String store, ErasureAction action, String sql, SameSnapshot sameSnapshot,
            List<Object> params, List<String> categories, List<String> anonymizedColumns,
            Optional<String> keptBecause, Optional<String> ids, List<CutLoose> cutLoose) {
    }

    /**
     * A step's count and change as two statements sent together, count first: {@code SELECT count(*) FROM t WHERE
     * <rows>; DELETE | UPDATE ... WHERE <rows>}. In a REPEATABLE READ or SERIALIZABLE transaction both read the
     * transaction's one snapshot, so the count is what the change was meant to reach, as in the one-statement
     * form, and the change's own row count is the rows it changed: the guard holds without the per-row RETURNING
     * the one-statement form needs (uz.himoya.db.RowGuard#next). Placeholders: the rows (key or captured keys),
     * the strategies' values, the rows again.
     *
     * @param relation the table's quoted, schema-qualified name (PostgresErasureExecutor checks it has no rewrite
     *                 rules)
     */
    public record SameSnapshot(String sql, String relation) {
    }

    /**
     * Reads which rows of a referenced table one reference leads to, as text keys: {@code SELECT t.column::text
     * FROM referencing table t WHERE <its rows of the subject> ... FOR UPDATE OF t}. Its one placeholder before
     * params is the subject's key, or, when via names a referenced table itself (a chain of references), the
     * keys captured for it, as one array.
     *
     * @param table the referenced table the keys are of
     */
    public record Capture(String table, String store, String sql, Optional<String> via, List<Object> params) {
        /** What ends the statement: the subject's referencing rows stay put until the erasure commits. */
        static final String LOCK = " FOR UPDATE OF t";

        /** The same read without the lock, for a reader that changes nothing (PostgresSubjectRows). */
        public String read() {
            if (!sql.endsWith(LOCK)) {
                throw new IllegalStateException("a capture that takes no row lock");
            }
            return sql.substring(0, sql.length() - LOCK.length());
        }
    }

    /**
     * Creates a table's tombstone where it is missing ({@code INSERT ... ON CONFLICT (key) DO NOTHING}), then
     * checks it is there: {@code check} answers how many rows have its key.
     */
    public record Tombstone(String table, String store, String insert, List<Object> params, String check,
            String key) {
    }
}
