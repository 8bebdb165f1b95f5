package uz.himoya.db;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;

/**
 * Brings Himoya's database to the current schema, once per deploy (issue 12, part 8): the migration function
 * runs this, the deploy waiting for it before any other function is updated. Flyway connects as the owner
 * (quarkus.flyway.username, the database's master user); the functions connect as the application role
 * (quarkus.datasource.username), which V10 grants data manipulation on Himoya's tables and nothing more.
 * Last, the role gets its LOGIN and the password of its secret, so a rotated secret takes effect with the
 * next deploy. The password goes to the server as a SCRAM verifier computed here (pgjdbc's
 * alterUserPassword): a statement log never holds it in clear.
 *
 * <pre>{@code
 * DatabaseMigration.Outcome o = migration.run(); // "at 10, 1 applied, role himoya_app ready"
 * }</pre>
 */
@ApplicationScoped
public class DatabaseMigration {
    private static final Logger LOG = Logger.getLogger(DatabaseMigration.class);

    /** version: the schema's version after the run; applied: migrations this run applied. */
    public record Outcome(String version, int applied, String role) {
    }

    private final Flyway flyway;
    private final String role;
    private final String password;

    public DatabaseMigration(Flyway flyway, @ConfigProperty(name = "quarkus.datasource.username") String role,
            @ConfigProperty(name = "quarkus.datasource.password") String password) {
        this.flyway = flyway;
        this.role = role;
        this.password = password;
    }

    public Outcome run() throws SQLException {
        MigrateResult result = flyway.migrate();
        try (Connection owner = flyway.getConfiguration().getDataSource().getConnection()) {
            login(owner, role, password);
        }
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        LOG.infof("database at version %s, %d migration(s) applied, role %s may log in", version,
                result.migrationsExecuted, role);
        return new Outcome(version, result.migrationsExecuted, role);
    }

    /**
     * Gives the application role LOGIN and its password; nothing to do where the functions run as the owner
     * (a local run). The role exists: V10 created it.
     */
    static void login(Connection owner, String role, String password) throws SQLException {
        if (role.equals(currentUser(owner))) {
            return;
        }
        try (Statement s = owner.createStatement()) {
            s.execute("ALTER ROLE " + Identifiers.postgres(role) + " LOGIN");
        }
        owner.unwrap(org.postgresql.PGConnection.class).alterUserPassword(role, password.toCharArray(),
                "scram-sha-256");
    }

    private static String currentUser(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_user"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
