package uz.himoya.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Himoya's own database: a real PostgreSQL from Maven artifacts (zonky, 18.x binaries), no installed server, no
 * Docker. It holds Himoya's tables only; the demo apps' data lives in a server of its own ({@link DemoStore}),
 * as an app's store does in production. One per JVM, shared by every test class and by the local run. Its
 * files (data, socket) live under target/pg-himoya in tests and under the local run's own folder there.
 */
public final class EmbeddedDatabase {
    private static EmbeddedPostgres postgres;

    private EmbeddedDatabase() {
    }

    /**
     * Starts once, in folder (emptied first); port 0 picks a free one. binaries: where the server's binaries
     * are unpacked (null: zonky's default).
     */
    public static synchronized EmbeddedPostgres start(int port, Path folder, Path binaries) {
        if (postgres == null) {
            postgres = PgServer.start(folder, port, true, binaries);
        }
        return postgres;
    }

    public static synchronized EmbeddedPostgres get() {
        return start(0, PgServer.buildDir().resolve("pg-himoya"), null);
    }

    public static String jdbcUrl() {
        return get().getJdbcUrl("postgres", "postgres");
    }

    /** A database's URL naming no user (a user in the URL would win over the datasource's username). */
    public static String urlOf(String database) {
        return "jdbc:postgresql://localhost:" + get().getPort() + "/" + database;
    }

    public static DataSource dataSource() {
        return get().getPostgresDatabase();
    }

    /**
     * Himoya's own tables, for tests that drive the workflows without Quarkus (and so without Flyway): the
     * migrations in order, once per database.
     */
    /** The role the functions connect as in tests, as in AWS: DML on Himoya's tables, no DDL (V10). */
    public static final String APP_ROLE = "himoya_app";
    public static final String APP_ROLE_PASSWORD = "himoya-app-test";

    public static synchronized void migrateHimoya() {
        // Flyway itself, as the functions run it: every migration, none forgotten from a hand-kept list
        org.flywaydb.core.Flyway.configure().dataSource(dataSource()).locations("classpath:db/migration")
                .placeholders(java.util.Map.of("app_role", APP_ROLE)).load().migrate();
    }

    /**
     * The application role, able to log in with the tests' password (in AWS the migration function does this
     * from the role's secret). Roles belong to the server, so every database of it shares this one.
     */
    public static synchronized void appRole() {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + APP_ROLE + "') THEN"
                    + " CREATE ROLE " + APP_ROLE + "; END IF; END $$");
            s.execute("ALTER ROLE " + APP_ROLE + " LOGIN PASSWORD '" + APP_ROLE_PASSWORD + "'");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a script from the class path in Himoya's database. */
    public static void run(String resource) {
        run(dataSource(), resource);
    }

    static void run(DataSource target, String resource) {
        try (InputStream in = EmbeddedDatabase.class.getClassLoader().getResourceAsStream(resource);
                Connection c = target.getConnection(); Statement s = c.createStatement()) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource);
            }
            s.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot run " + resource, e);
        }
    }

    /** Whether Himoya's database has a schema of that name (the demo apps' must never be there). */
    public static boolean hasSchema(String schema) {
        try (Connection c = dataSource().getConnection();
                java.sql.PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schema);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static synchronized void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            postgres = null;
        }
    }
}
