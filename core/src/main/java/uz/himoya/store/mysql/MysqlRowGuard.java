package uz.himoya.store.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Savepoint;
import org.jboss.logging.Logger;
import uz.himoya.db.RowGuard;

/**
 * {@link RowGuard} for MySQL 8 / MariaDB: the one way Himoya runs a set-based change of an app's rows in
 * such a store, and the guard on it.
 *
 * <p>MySQL has no data-modifying CTE, so the count and the change cannot be one statement as on PostgreSQL.
 * They are two, on the caller's transaction:
 *
 * <ol>
 * <li>{@code SELECT count(*) FROM t WHERE <rows meant> FOR UPDATE}: a locking read, which in InnoDB reads the
 * newest committed rows (not the transaction's snapshot, which is what the change also reads) and locks them
 * until the transaction ends, so no other transaction can change or delete a counted row in between;</li>
 * <li>the change, {@code DELETE} or {@code UPDATE} with the same condition, whose update count is compared
 * with the count. That is the rows it found: both Connector/Js report found rows by default
 * ({@link MysqlDialect#requireFoundRows}), so an UPDATE that writes a value equal to the old one counts.</li>
 * </ol>
 *
 * <p>An erasure step first tries a cheaper count: the same count as a plain read of the transaction's
 * snapshot, which takes no lock and reads the secondary index alone, then the change, both after a savepoint.
 * A locking count through a secondary index reads and locks each clustered row as well, which made the guard
 * cost a fifth to a third of a 10,000-row erasure (bin/bench-erasure-mariadb). The two counts differ only where
 * another transaction committed a change to the subject's rows since the snapshot (or a planning mistake): the
 * change is then rolled back to the savepoint and the step runs again as above, under the locking count, so a
 * busy app's writes make the step slower, never refused. Only a difference under the lock is a violation.
 *
 * <p>Unequal counts throw {@link RowGuard.Violation} after the change ran: the caller must roll back (MySQL, unlike
 * PostgreSQL, keeps the transaction's earlier statements after a failed one, so this applies to every
 * exception). Each violation is logged once at ERROR with {@code alert=row-guard}, as RowGuard logs its own,
 * so the same metric filter alarms on it; the line carries the table's name and the counts, never a value.
 */
public final class MysqlRowGuard {
    private static final Logger LOG = Logger.getLogger(MysqlRowGuard.class);

    private MysqlRowGuard() {
    }

    /** Called between a count and the change; for tests that play a concurrent writer there. */
    @FunctionalInterface
    interface Between {
        Between NOTHING = (table, locked) -> {
        };

        /** locked: after the locking count; else after the snapshot count tried first. */
        void counted(String table, boolean locked) throws SQLException;
    }

    /**
     * Runs a guarded change: count (a locking SELECT whose one column is the count), then change.
     *
     * @param table   the mapped table's name, for the error and the alert
     * @param context what the alert line should say about the work (ids only), e.g. "app=demo"
     * @return the rows changed, equal to the rows counted
     */
    public static long execute(Connection c, PreparedStatement count, PreparedStatement change, String table,
            String context) throws SQLException {
        return execute(c, null, count, change, table, context, Between.NOTHING);
    }

    /**
     * Runs a guarded change that first tries the snapshot count: after a savepoint, snapshot count then change;
     * where they differ, back to the savepoint, then locking count then change, compared as
     * {@link #execute(Connection, PreparedStatement, PreparedStatement, String, String)} does.
     *
     * @param snapshot the count without a lock, or null to count under the lock only
     * @param between  called after each count (tests play a concurrent writer there)
     */
    static long execute(Connection c, PreparedStatement snapshot, PreparedStatement count, PreparedStatement change,
            String table, String context, Between between) throws SQLException {
        MysqlDialect.requireTransaction(c);
        try {
            if (snapshot != null) {
                // The savepoint is not released: it goes with the transaction, and releasing it would cost a
                // round trip per table.
                Savepoint before = c.setSavepoint();
                long seen = count(snapshot);
                between.counted(table, false);
                long changed = change.executeLargeUpdate();
                if (seen == changed) {
                    return changed;
                }
                c.rollback(before); // the change is undone; the locks it took stay, which the recount needs anyway
            }
            long picked = count(count);
            between.counted(table, true);
            return compare(picked, change, table, context);
        } catch (SQLException e) {
            if (e.getErrorCode() != RECORD_CHANGED) {
                throw e;
            }
            // MariaDB with innodb_snapshot_isolation (on by default in newer releases) refuses a change or a
            // locking read of a row that another transaction committed after this one's snapshot, and the
            // snapshot stays for the transaction, so no recount can help: the whole erasure is retried, as a
            // serialization failure is (SqlErrors.transientFailure). The server's text names the table only.
            throw new SQLTransactionRollbackException("a row of table " + table + " changed after the"
                    + " erasure's snapshot; retried", "40001", RECORD_CHANGED, e);
        }
    }

    /** ER_CHECKREAD: "Record has changed since last read", MariaDB's snapshot isolation refusing a change. */
    static final int RECORD_CHANGED = 1020;

    private static long count(PreparedStatement count) throws SQLException {
        try (ResultSet rs = count.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("a guard's count returned no row");
            }
            return rs.getLong(1);
        }
    }

    /**
     * Runs a change of rows already picked and locked (a retention batch's {@code SELECT ... FOR UPDATE}) and
     * compares the rows it found with the rows picked.
     */
    public static long execute(Connection c, long picked, PreparedStatement change, String table, String context)
            throws SQLException {
        MysqlDialect.requireTransaction(c);
        return compare(picked, change, table, context);
    }

    private static long compare(long picked, PreparedStatement change, String table, String context)
            throws SQLException {
        long changed = change.executeLargeUpdate();
        if (picked != changed) {
            LOG.errorf("alert=%s %s table=%s picked=%d changed=%d: rolled back", RowGuard.CODE, context, table,
                    picked, changed);
            throw new RowGuard.Violation(table, picked, changed);
        }
        return changed;
    }
}
