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

    public static DataSource dataSource() {
        return get().getPostgresDatabase();
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
                "V5__not_me_and_sent_locale", "V6__app_stores", "V7__webhook_steps"}) {
            run("db/migration/" + v + ".sql");
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
