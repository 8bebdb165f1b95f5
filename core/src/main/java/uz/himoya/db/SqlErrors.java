package uz.himoya.retention;

import java.sql.SQLException;

/** Error codes safe to store and log (SQL state or exception type, never a message), and outage detection. */
final class SqlErrors {
    private SqlErrors() {
    }

    static String code(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return "sql-" + s.getSQLState();
            }
        }
        return e.getClass().getSimpleName();
    }

    /**
     * An outage says nothing about the rule: connection (08), transaction rollback (40), resources (53),
     * operator intervention (57), lock not available (55P03). The run stays open and is resumed.
     */
    static boolean transientFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                String state = s.getSQLState();
                return state == null || state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                        || state.startsWith("57") || state.equals("55P03");
            }
        }
        return false;
    }
}
