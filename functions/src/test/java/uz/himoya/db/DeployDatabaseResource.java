package uz.himoya.db;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import uz.himoya.testing.EmbeddedDatabase;

/**
 * For the migration function's test alone (restricted to it): Himoya's database is a new, empty one (as on a
 * first deploy), and nothing migrates at start. The keys carry the test profile, so they win over
 * PostgresResource's (which every other test class brings, and so this one too).
 */
public class DeployDatabaseResource implements QuarkusTestResourceLifecycleManager {
    static final String DATABASE = "himoya_deploy";

    @Override
    public Map<String, String> start() {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return Map.of("%test.quarkus.datasource.jdbc.url", EmbeddedDatabase.urlOf(DATABASE),
                "%test.quarkus.flyway.migrate-at-start", "false");
    }

    @Override
    public void stop() {
        // The database stays until the next run drops it; the embedded server goes with the JVM.
    }
}
