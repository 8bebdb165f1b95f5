package uz.himoya.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Two embedded PostgreSQL servers for @QuarkusTest classes (Dev Services need Docker): Himoya's own database
 * (its migrations run at start, nothing else is in it) and the demo apps' store (schema demo_app, seeded),
 * which the functions reach as any app's store, through himoya.store."demo-shop".*.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        EmbeddedDatabase.get();
        DemoStore.shareHimoyaServer(false);
        DemoStore.loadDemo();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("quarkus.datasource.jdbc.url", EmbeddedDatabase.urlOf("postgres"));
        // As in AWS: the functions connect as the application role (DML only), Flyway as the owner
        EmbeddedDatabase.appRole();
        config.put("quarkus.datasource.username", EmbeddedDatabase.APP_ROLE);
        config.put("quarkus.datasource.password", EmbeddedDatabase.APP_ROLE_PASSWORD);
        config.put("quarkus.flyway.username", "postgres");
        config.put("quarkus.flyway.password", "postgres");
        config.putAll(DemoStore.config());
        return config;
    }

    @Override
    public void stop() {
        // Shared by all test classes of the JVM; the JVM's exit stops them.
    }
}
