package uz.himoya.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Embedded PostgreSQL with the demo app loaded, for @QuarkusTest classes (Dev Services need Docker). */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        EmbeddedDatabase.get();
        EmbeddedDatabase.loadDemo();
        return Map.of("quarkus.datasource.jdbc.url", EmbeddedDatabase.jdbcUrl(),
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres",
                // The demo apps' store: for now the same embedded server, reached on a connection of its own.
                "himoya.store.\"demo-shop\".host", "localhost",
                "himoya.store.\"demo-shop\".port", String.valueOf(EmbeddedDatabase.get().getPort()),
                "himoya.store.\"demo-shop\".database", "postgres",
                "himoya.store.\"demo-shop\".username", "postgres",
                "himoya.store.\"demo-shop\".password", "postgres",
                "himoya.store.\"demo-shop\".tls", "disable");
    }

    @Override
    public void stop() {
        // Shared by all test classes of the JVM; the JVM's exit stops it.
    }
}
