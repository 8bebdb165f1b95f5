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
 * A real PostgreSQL from Maven artifacts (zonky, 18.x binaries): no installed server, no Docker. One per
 * JVM, shared by every test class and by the local run.
 */
public final class EmbeddedDatabase {
    private static EmbeddedPostgres postgres;

    private EmbeddedDatabase() {
    }

    /** Starts once; port 0 picks a free one. dataDir null means a fresh temporary directory. */
    public static synchronized EmbeddedPostgres start(int port, Path dataDir) {
        if (postgres == null) {
            try {
                EmbeddedPostgres.Builder b = EmbeddedPostgres.builder();
                if (port > 0) {
                    b.setPort(port);
                }
                if (dataDir != null) {
                    b.setDataDirectory(dataDir).setCleanDataDirectory(true);
                }
                postgres = b.start();
            } catch (IOException e) {
                throw new IllegalStateException("embedded PostgreSQL did not start", e);
            }
        }
        return postgres;
    }

    public static synchronized EmbeddedPostgres get() {
        return start(0, null);
    }

    public static String jdbcUrl() {
        return get().getJdbcUrl("postgres", "postgres");
    }

    public static DataSource dataSource() {
        return get().getPostgresDatabase();
    }

    /** (Re)creates the demo app's schema and data: schema demo_app, seeded users 1001 to 1006. */
    public static void loadDemo() {
        run("demo/schema.sql");
        run("demo/seed.sql");
    }

    /**
     * Himoya's own tables, for tests that drive the workflows without Quarkus (and so without Flyway): the
     * migrations in order, once per database.
     */
    public static synchronized void migrateHimoya() {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT to_regclass('public.retention_run') IS NOT NULL")) {
            rs.next();
            if (rs.getBoolean(1)) {
                return;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        for (String v : new String[] {"V1__deletion", "V2__breach", "V3__retention", "V4__row_identity",
                "V5__not_me_and_sent_locale", "V6__app_stores"}) {
            run("db/migration/" + v + ".sql");
        }
    }

    public static void run(String resource) {
        try (InputStream in = EmbeddedDatabase.class.getClassLoader().getResourceAsStream(resource);
                Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource);
            }
            s.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot run " + resource, e);
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
