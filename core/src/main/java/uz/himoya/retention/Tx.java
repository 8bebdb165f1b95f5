package uz.himoya.retention;

import java.sql.Connection;
import java.sql.SQLException;
import org.jboss.logging.Logger;
import uz.himoya.db.SqlErrors;

/** One transaction on a connection with auto-commit off: commit on success, roll back on any failure. */
final class Tx {
    private static final Logger LOG = Logger.getLogger(Tx.class);

    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    @FunctionalInterface
    interface Step {
        void run() throws SQLException;
    }

    private Tx() {
    }

    static <T> T call(Connection c, Work<T> work) throws SQLException {
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    static void run(Connection c, Step step) throws SQLException {
        call(c, () -> {
            step.run();
            return null;
        });
    }

    /** Best effort, for bookkeeping after an outage: a failure here is logged by code and dropped. */
    static void tryRun(Connection c, Step step) {
        try {
            run(c, step);
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("bookkeeping skipped: %s", SqlErrors.code(e));
        }
    }
}
