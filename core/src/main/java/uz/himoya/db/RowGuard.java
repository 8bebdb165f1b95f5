package uz.himoya.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The one way Himoya runs a set-based change of an app's rows (erasure, retention sweeps, its own
 * housekeeping), and the guard on it. Every such statement answers two counts, the rows it meant to change
 * and the rows it changed, in one of two forms:
 *
 * <ul>
 * <li>a batch (retention) first picks at most n rows by what really identifies them ({@link RowIdentity}),
 * locked, then changes exactly those:
 *
 * <pre>
 * WITH picked AS MATERIALIZED (SELECT &lt;identity&gt; FROM t WHERE ... LIMIT n FOR UPDATE OF t SKIP LOCKED),
 *      changed AS (DELETE | UPDATE ... WHERE &lt;identity&gt; IN picked RETURNING 1)
 * SELECT (SELECT count(*) FROM picked), (SELECT count(*) FROM changed), &lt;cursor&gt;
 * </pre></li>
 * <li>an erasure changes all of a subject's rows of a table, and counts them beside the change; both parts
 * read the same snapshot, so the count is what the change was meant to reach:
 *
 * <pre>
 * WITH changed AS (DELETE | UPDATE ... WHERE &lt;subject's rows&gt; RETURNING 1)
 * SELECT (SELECT count(*) FROM t WHERE &lt;subject's rows&gt;), (SELECT count(*) FROM changed)
 * </pre></li>
 * </ul>
 *
 * <p>In a transaction whose statements all read one snapshot (REPEATABLE READ or SERIALIZABLE) the erasure's
 * count and change can be two statements sent together ({@link #next}): the count reads the snapshot the change
 * will read, and the change's own row count is the rows it changed, which spares the per-row RETURNING and CTE
 * scan of the one-statement form:
 *
 * <pre>
 * SELECT count(*) FROM t WHERE &lt;subject's rows&gt;; DELETE | UPDATE ... WHERE &lt;subject's rows&gt;
 * </pre>
 *
 * <p>{@link #execute} and {@link #next} refuse any result where the two counts differ: they throw, so the caller's
 * transaction rolls back and nothing of the batch stays. No flag, setting or caller can turn this off. It is what
 * would have stopped issue 9 (a ctid matched rows in every partition: 3 picked, 6 deleted), and it also catches a
 * trigger or rule on the app's table that silently skips a change (picked 5, changed 0), where a receipt would
 * otherwise say "deleted" over rows that are still there.
 *
 * <p>Each violation is logged once at ERROR with {@code alert=row-guard}, which a CloudWatch metric filter
 * turns into an alarm (infra, Alarms). The log line carries the table's name and the counts, never a value.
 */
public final class RowGuard {
    /** The error code runs and requests record when the guard refused a batch. */
    public static final String CODE = "row-guard";
    private static final Logger LOG = Logger.getLogger(RowGuard.class);

    private RowGuard() {
    }

    /** What a guarded statement answered: the equal counts, then its further columns as text. */
    public record Result(long picked, long changed, List<String> more) {
    }

    /**
     * The rows changed were not the rows picked: the statement's transaction must not commit. Thrown by every
     * store dialect's guard, so the workflows handle one type (code {@value #CODE}).
     */
    public static final class Violation extends RuntimeException {
        private final String table;
        private final long picked;
        private final long changed;

        public Violation(String table, long picked, long changed) {
            super("row guard: " + table + " picked " + picked + " rows but changed " + changed
                    + "; the change is rolled back", null, false, false);
            this.table = table;
            this.picked = picked;
            this.changed = changed;
        }

        public String table() {
            return table;
        }

        public long picked() {
            return picked;
        }

        public long changed() {
            return changed;
        }
    }

    /**
     * Reads a guarded step from an executed statement whose current result is the step's first, and moves past
     * the step's results. Either form: the one-statement form answers one row (columns 1 and 2: picked and
     * changed, further columns as text); the same-snapshot form answers the count's row (column 1: picked,
     * further columns as text), then the change's row count (changed). The same-snapshot form is only for a
     * transaction whose statements share one snapshot; the caller makes sure of that.
     *
     * @param table the mapped table's name, for the error and the alert
     * @param context what the alert line should say about the work (ids only), e.g. "app=..."
     */
    public static Result next(Statement s, boolean sameSnapshot, String table, String context) throws SQLException {
        long picked;
        long changed = -1;
        List<String> more = new ArrayList<>();
        try (ResultSet rs = s.getResultSet()) {
            if (rs == null || !rs.next()) {
                throw new IllegalStateException("a guarded statement returned no row");
            }
            picked = rs.getLong(1);
            int first = 2;
            if (!sameSnapshot) {
                changed = rs.getLong(2);
                first = 3;
            }
            for (int i = first; i <= rs.getMetaData().getColumnCount(); i++) {
                more.add(rs.getString(i));
            }
        }
        boolean rows = s.getMoreResults();
        if (sameSnapshot) {
            changed = s.getLargeUpdateCount();
            if (rows || changed < 0) {
                throw new IllegalStateException("a guarded change returned no row count");
            }
            s.getMoreResults();
        }
        return compare(table, context, picked, changed, more);
    }

    /**
     * Runs a guarded statement (columns 1 and 2: picked and changed counts) and returns its single row.
     *
     * @param table the mapped table's name, for the error and the alert
     * @param context what the alert line should say about the work (ids only), e.g. "run=... rule=..."
     */
    public static Result execute(PreparedStatement ps, String table, String context) throws SQLException {
        if (!ps.execute()) {
            throw new IllegalStateException("a guarded statement returned no row");
        }
        return next(ps, false, table, context);
    }

    private static Result compare(String table, String context, long picked, long changed, List<String> more) {
        if (picked != changed) {
            LOG.errorf("alert=%s %s table=%s picked=%d changed=%d: rolled back", CODE, context, table, picked,
                    changed);
            throw new Violation(table, picked, changed);
        }
        return new Result(picked, changed, Collections.unmodifiableList(more)); // may hold NULLs
    }
}
