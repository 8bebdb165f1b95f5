package uz.himoya.store.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;

/**
 * The one table Himoya owns in a MySQL app's own database: what each step of a request did there (its
 * counts, as JSON), written on the same transaction as the step's changes, so a record exists exactly when
 * the step committed. The primary key refuses a second record of a step: a second worker that ran the same
 * step fails on it (SQL state 23000) and its transaction rolls back with everything it changed.
 *
 * <p>{@link #find} is a plain read: under REPEATABLE READ it sees the transaction's snapshot, so a record
 * committed by another worker after that snapshot may be missed; the primary key still refuses the
 * duplicate at {@link #record}.
 */
public final class MysqlLedger {
    public static final String TABLE = "himoya_ledger";

    private MysqlLedger() {
    }

    /**
     * The table's DDL in a database. InnoDB, because a record must commit or roll back with the erasure it
     * records (a server whose default engine is MyISAM would otherwise make it non-transactional).
     */
    public static String ddl(String database) {
        return "CREATE TABLE IF NOT EXISTS " + MysqlDialect.qualified(database, TABLE) + " ("
                + "request_id CHAR(36) NOT NULL, "
                + "step VARCHAR(200) NOT NULL, "
                + "counts TEXT NOT NULL, "
                + "created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), "
                + "PRIMARY KEY (request_id, step)"
                + ") ENGINE = InnoDB DEFAULT CHARSET = utf8mb4";
    }

    /**
     * Creates the table if it is missing. DDL commits implicitly in MySQL, the open transaction included:
     * call this at start-up or before a request's transaction, never inside one.
     */
    public static void create(Connection c, String database) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(ddl(database));
        }
    }

    /** The counts (JSON) recorded for a step of a request, if it ran. */
    public static Optional<String> find(Connection c, String database, UUID requestId, String step)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT counts FROM " + MysqlDialect.qualified(database, TABLE)
                + " WHERE request_id = ? AND step = ?")) {
            ps.setString(1, requestId.toString());
            ps.setString(2, step);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Records a step on the caller's transaction; a second record of the same step fails (SQL state 23000). */
    public static void record(Connection c, String database, UUID requestId, String step, String countsJson)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + MysqlDialect.qualified(database, TABLE)
                + " (request_id, step, counts) VALUES (?, ?, ?)")) {
            ps.setString(1, requestId.toString());
            ps.setString(2, step);
            ps.setString(3, countsJson);
            ps.executeUpdate();
        }
    }
}
