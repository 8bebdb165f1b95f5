package uz.himoya.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The demo apps' own database: an embedded PostgreSQL of its own, apart from Himoya's ({@link EmbeddedDatabase}),
 * as an app's store is in production (issue 11: Himoya's database stays Himoya's alone). It holds schema
 * demo_app (demo/schema.sql, with the ledger table Himoya keeps there) and the ledger test app's schema. Every
 * test chore that reads or writes app data goes through here. One per JVM; its files live under
 * target/pg-demo-store in tests and under the local run's own folder there.
 *
 * <p>The sweep engine's partition tests (retention.PartitionedSweepTest) put the ledger test app beside
 * Himoya's tables, to read both with one query: while they run, this class answers with Himoya's server.
 */
public final class DemoStore {
    /** The connection name the demo maps' store uses (himoya.store."demo-shop".*). */
    public static final String CONNECTION = "demo-shop";

    private static EmbeddedPostgres own;
    private static boolean shared;

    private DemoStore() {
    }

    /** Starts the demo store once, in folder (emptied first); port 0 picks a free one. */
    public static synchronized EmbeddedPostgres start(int port, Path folder, Path binaries) {
        if (own == null) {
            own = PgServer.start(folder, port, true, binaries);
        }
        return own;
    }

    public static synchronized void stop() {
        if (own != null) {
            try {
                own.close();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            own = null;
        }
    }

    /** The server the demo apps' data is on now: its own, or Himoya's while {@link #shareHimoyaServer} says so. */
    public static synchronized EmbeddedPostgres server() {
        return shared ? EmbeddedDatabase.get() : start(0, PgServer.buildDir().resolve("pg-demo-store"), null);
    }

    /**
     * Puts the test apps' data beside Himoya's tables (true), as it was before the stores moved out, or back in
     * its own server (false, the default), dropping it from Himoya's database so that no test sees it there. Only
     * tests without Quarkus call it, before and after (PartitionedSweepTest).
     */
    public static synchronized void shareHimoyaServer(boolean share) {
        shared = share;
        if (!share && (EmbeddedDatabase.hasSchema("demo_app") || EmbeddedDatabase.hasSchema(Ledger.SCHEMA))) {
            try (Connection c = EmbeddedDatabase.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS demo_app, " + Ledger.SCHEMA + " CASCADE");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static boolean sharesHimoyaServer() {
        return shared;
    }

    public static int port() {
        return server().getPort();
    }

    public static String jdbcUrl() {
        return server().getJdbcUrl("postgres", "postgres");
    }

    public static DataSource dataSource() {
        return server().getPostgresDatabase();
    }

    /** (Re)creates the demo app's schema and data: schema demo_app, seeded users 1001 to 1006, empty ledger. */
    public static void loadDemo() {
        run("demo/schema.sql");
        run("demo/seed.sql");
    }

    /** Runs a script from the class path in the demo store. */
    public static void run(String resource) {
        EmbeddedDatabase.run(dataSource(), resource);
    }

    public static void sql(String statement) {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(String query, Object... params) {
        try (Connection c = dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(query)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The functions' settings for the demo store's connection: himoya.store."demo-shop".*, without TLS. */
    public static Map<String, String> config() {
        return config(CONNECTION, "127.0.0.1", port());
    }

    /** himoya.store."connection".* for a PostgreSQL store on loopback, user and password postgres. */
    public static Map<String, String> config(String connection, String host, int port) {
        String p = "himoya.store.\"" + connection + "\".";
        Map<String, String> out = new LinkedHashMap<>();
        out.put(p + "host", host);
        out.put(p + "port", Integer.toString(port));
        out.put(p + "database", "postgres");
        out.put(p + "username", "postgres");
        out.put(p + "password", "postgres");
        out.put(p + "tls", "disable");
        return out;
    }
}
