package uz.himoya.db;

import java.sql.SQLException;
import java.util.Optional;

/** Error codes safe to store and log (SQL state or exception type, never a message), and outage detection. */
public final class SqlErrors {
    private SqlErrors() {
    }

    /** "sql-" and the SQL state of the first SQLException in the chain that has one, else the exception's type. */
    public static String code(Throwable e) {
        return sqlCode(e).orElse(e.getClass().getSimpleName());
    }

    /**
     * {@value RowGuard#CODE} for a refused guarded change, else "sql-" and the SQL state of the first
     * SQLException in the chain that has one.
     */
    public static Optional<String> sqlCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StoreUnavailable u) {
                return Optional.of(u.code());
            }
            if (t instanceof RowGuard.Violation) {
                return Optional.of(RowGuard.CODE);
            }
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return Optional.of("sql-" + s.getSQLState());
            }
        }
        return Optional.empty();
    }

    /**
     * An outage says nothing about the work: connection (08), transaction rollback (40), resources (53),
     * operator intervention (57: a statement timeout, an abort over himoya.store-work-limit), lock not
     * available (55P03), MariaDB's statement timeout (70100, max_statement_time); an app store that is
     * unavailable. The work is retried or resumed.
     */
    public static boolean transientFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StoreUnavailable) {
                return true; // an app's store down or out of step with its map: the app's work waits
            }
            if (t instanceof SQLException s) {
                String state = s.getSQLState();
                return state == null || state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                        || state.startsWith("57") || state.equals("55P03") || state.equals("70100");
            }
        }
        return false;
    }
}
