package uz.himoya.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * The second demo app's own store, an embedded MariaDB holding database demo_kg, for @QuarkusTest classes:
 * app demo-kg reaches it on connection "demo-kg" (core/src/test/resources/privacy-maps/demo-kg.yaml), apart
 * from Himoya's own PostgreSQL. Himoya logs in as a user holding exactly the grants infra/README.md tells
 * the app's DBA to give (SELECT, UPDATE, DELETE on the mapped tables, SELECT and INSERT on the ledger the DBA
 * created), so a statement needing more fails here as it would in production.
 */
public class MariaDbResource implements QuarkusTestResourceLifecycleManager {
    public static final String USER = "himoya";
    public static final String PASSWORD = "himoya-test-only";
    /** The server knows clients by address only (EmbeddedMariaDb: --skip-name-resolve). */
    private static final String HOST = "127.0.0.1";
    /** The tables demo-kg.yaml maps. */
    private static final String[] MAPPED = {"users", "profiles", "orders", "order_items", "access_logs", "sessions",
        "devices", "marketing_consents"};

    @Override
    public Map<String, String> start() {
        reset();
        return Map.of("himoya.store.\"demo-kg\".host", "127.0.0.1",
                "himoya.store.\"demo-kg\".port", String.valueOf(EmbeddedMariaDb.port()),
                "himoya.store.\"demo-kg\".database", EmbeddedMariaDb.DEMO,
                "himoya.store.\"demo-kg\".username", USER,
                "himoya.store.\"demo-kg\".password", PASSWORD,
                "himoya.store.\"demo-kg\".tls", "disable");
    }

    /** The demo data as seeded, the DBA's ledger table (empty) and Himoya's user with its grants. */
    public static void reset() {
        EmbeddedMariaDb.loadDemo();
        String db = EmbeddedMariaDb.DEMO;
        try (Connection c = EmbeddedMariaDb.connect(db); Statement s = c.createStatement()) {
            s.execute(uz.himoya.store.mysql.MysqlLedger.ddl(db));
            s.execute("CREATE USER IF NOT EXISTS '" + USER + "'@'" + HOST + "' IDENTIFIED BY '" + PASSWORD + "'");
            for (String table : MAPPED) {
                s.execute("GRANT SELECT, UPDATE, DELETE ON " + db + "." + table + " TO '" + USER + "'@'" + HOST + "'");
            }
            s.execute("GRANT SELECT, INSERT ON " + db + ".himoya_ledger TO '" + USER + "'@'" + HOST + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the demo-kg store: " + e.getSQLState(), e);
        }
    }

    @Override
    public void stop() {
        // Shared by all test classes of the JVM; the JVM's exit stops it (EmbeddedMariaDb's hook).
    }
}
