package uz.himoya.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The second demo app's own store, an embedded MariaDB holding database demo_kg, for @QuarkusTest classes:
 * app demo-kg reaches it on connection "demo-kg" (core/src/test/resources/privacy-maps/demo-kg.yaml), apart
 * from Himoya's own PostgreSQL. Himoya logs in as a user holding exactly the grants infra/README.md tells
 * the app's DBA to give (SELECT, UPDATE, DELETE on the mapped tables, SELECT and INSERT on the ledger the DBA
 * created), so a statement needing more fails here as it would in production.
 */
public class MariaDbResource implements QuarkusTestResourceLifecycleManager {
    public static final String USER = EmbeddedMariaDb.HIMOYA_USER;
    public static final String PASSWORD = EmbeddedMariaDb.HIMOYA_PASSWORD;

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

    /** See {@link EmbeddedMariaDb#loadDemoStore()}. */
    public static void reset() {
        EmbeddedMariaDb.loadDemoStore();
    }

    @Override
    public void stop() {
        // Shared by all test classes of the JVM; the JVM's exit stops it (EmbeddedMariaDb's hook).
    }
}
