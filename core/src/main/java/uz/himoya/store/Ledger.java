package uz.himoya.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.db.Identifiers;
import uz.himoya.privacymap.PrivacyMap;

/**
 * Himoya's small table in each app store (docs/privacy-map.md, "The ledger"): one row per piece of work
 * Himoya committed there, written in the same transaction as the work. Request (or run) id, a step name
 * and the counts as JSON text; no personal data. A worker that crashed after the store's commit and before
 * Himoya's finds the row on its next attempt and completes with the first run's counts, instead of erasing
 * again (and reporting 0 rows for work already done).
 */
public final class Ledger {
    public static final String TABLE = Catalogue.HIMOYA_LEDGER;

    private Ledger() {
    }

    /** The DDL the DBA runs (or Himoya, where the map says ledger: create). */
    public static String ddl(PrivacyMap.Store store) {
        return store.kind().mysqlFamily()
                ? uz.himoya.store.mysql.MysqlLedger.ddl(store.schema())
                : "CREATE TABLE IF NOT EXISTS " + table(store) + " (request_id uuid NOT NULL, step text NOT NULL,"
                        + " counts text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),"
                        + " PRIMARY KEY (request_id, step))";
    }

    public static void create(Connection c, PrivacyMap.Store store) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(ddl(store));
        }
    }

    /** The counts recorded for the step, if its work committed. Locks the row where it exists. */
    public static Optional<String> find(Connection c, PrivacyMap.Store store, UUID id, String step)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT counts FROM " + table(store)
                + " WHERE request_id = " + id(store) + " AND step = ?")) {
            ps.setString(1, id.toString());
            ps.setString(2, step);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Records the step on the caller's transaction; a second record of one step fails on the key. */
    public static void record(Connection c, PrivacyMap.Store store, UUID id, String step, String counts)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table(store)
                + " (request_id, step, counts) VALUES (" + id(store) + ", ?, ?)")) {
            ps.setString(1, id.toString());
            ps.setString(2, step);
            ps.setString(3, counts);
            ps.executeUpdate();
        }
    }

    /** Removes a finished piece of work's rows whose step starts with the prefix (a run's batches). */
    public static void forget(Connection c, PrivacyMap.Store store, UUID id, String stepPrefix)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table(store) + " WHERE request_id = "
                + id(store) + " AND step LIKE ?")) {
            ps.setString(1, id.toString());
            ps.setString(2, stepPrefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            ps.executeUpdate();
        }
    }

    private static String id(PrivacyMap.Store store) {
        return store.kind().mysqlFamily() ? "?" : "CAST(? AS uuid)";
    }

    private static String table(PrivacyMap.Store store) {
        return store.kind().mysqlFamily()
                ? Identifiers.mysql(store.schema()) + "." + Identifiers.mysql(TABLE)
                : Identifiers.postgres(store.schema()) + "." + Identifiers.postgres(TABLE);
    }
}
