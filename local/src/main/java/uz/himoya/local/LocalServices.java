package uz.himoya.local;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.EmbeddedMariaDb;

/**
 * The servers of the local run, in one foreground process, each app's data apart from Himoya's as in
 * production (issue 11):
 * <ul>
 * <li>Himoya's own database, an embedded PostgreSQL on 127.0.0.1:54329 (Himoya's tables only);
 * <li>the demo app's store, a second embedded PostgreSQL on 127.0.0.1:54330 (schema demo_app, seeded);
 * <li>the demo-kg app's store, an embedded MariaDB on 127.0.0.1:33069 (database demo_kg, seeded);
 * <li>an SMTP server on 127.0.0.1:3025 whose every received mail is written to local-mailbox/ as an .eml file
 * (open it with any mail program, or read it with cat).
 * </ul>
 * Every file of these servers (data directories, unix sockets, MariaDB's temporary files) lives under the
 * run's own folder, in local-data/servers/, never in /tmp: two local runs of two checkouts in separate
 * network namespaces use the same ports without meeting (bin/check-local-isolation shows it). Only the
 * servers' binaries are unpacked elsewhere, once, into the folder given (read-only after that).
 */
public final class LocalServices {
    public static final int PG_PORT = 54329;
    public static final int STORE_PORT = 54330;
    public static final int MARIADB_PORT = 33069;
    public static final int SMTP_PORT = 3025;
    /** The connection name of the demo-kg app's store (himoya.store."demo-kg".*). */
    public static final String KG_CONNECTION = "demo-kg";
    /** Himoya's user on the MariaDB, holding only the grants infra/README.md lists (EmbeddedMariaDb.loadDemoStore). */
    static final String KG_USER = EmbeddedMariaDb.HIMOYA_USER;
    static final String KG_PASSWORD = EmbeddedMariaDb.HIMOYA_PASSWORD;
    /** The store connections these servers provide (functionConfig). */
    public static final List<String> CONNECTIONS = List.of(DemoStore.CONNECTION, KG_CONNECTION);

    private LocalServices() {
    }

    /**
     * Starts the servers in the folder given (default: the working directory), binaries under
     * local/target/embedded-servers of the working directory unless a second argument names the folder;
     * prints "[local] servers ready" and waits (Ctrl-C stops them).
     */
    public static void main(String[] args) throws Exception {
        // Quarkus's log manager is on the classpath; without this it complains on stderr when first touched.
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path binaries = args.length > 1 ? Path.of(args[1]).toAbsolutePath()
                : Path.of("local/target/embedded-servers").toAbsolutePath();
        start(root, binaries);
        System.out.println("[local] servers ready");
        new CountDownLatch(1).await();
    }

    /**
     * Starts the databases and the mailbox under root (root/local-data/servers, root/local-mailbox); the
     * servers' binaries are unpacked into binaries once. They stop when the JVM exits.
     */
    public static void start(Path root, Path binaries) throws Exception {
        Path servers = root.resolve("local-data/servers");
        Path mailbox = Files.createDirectories(root.resolve("local-mailbox"));
        // The demo app's data in a server of its own: Himoya's database holds only Himoya's tables.
        EmbeddedDatabase.start(PG_PORT, servers.resolve("himoya-pg"), binaries.resolve("postgresql"));
        EmbeddedDatabase.appRole(); // the functions' role, as in AWS: DML on Himoya's tables, no DDL
        DemoStore.start(STORE_PORT, servers.resolve("demo-pg"), binaries.resolve("postgresql"));
        DemoStore.loadDemo();
        EmbeddedMariaDb.start(MARIADB_PORT, servers.resolve("demo-mariadb"), binaries.resolve("mariadb"));
        EmbeddedMariaDb.loadDemoStore(); // the demo data, the DBA's ledger table, Himoya's user and its grants
        GreenMail smtp = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        LocalMailbox.attach(smtp, mailbox);
        smtp.start();
        System.out.println("[local] PostgreSQL for Himoya's tables on 127.0.0.1:" + PG_PORT);
        System.out.println("[local] PostgreSQL for the demo app's store on 127.0.0.1:" + STORE_PORT + " (schema demo_app)");
        System.out.println("[local] MariaDB for the demo-kg app's store on 127.0.0.1:" + MARIADB_PORT
                + " (database " + EmbeddedMariaDb.DEMO + ", user " + KG_USER + ")");
        System.out.println("[local] SMTP on 127.0.0.1:" + SMTP_PORT + ", mail written to " + mailbox);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            smtp.stop();
            EmbeddedMariaDb.stop();
            DemoStore.stop();
            EmbeddedDatabase.stop();
        }));
    }

    /**
     * What every function needs to reach these servers: Himoya's datasource, and the demo apps' stores
     * (himoya.store."demo-shop".* and "demo-kg".*), without TLS, which only the local run and the tests allow.
     */
    public static Map<String, String> functionConfig() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + PG_PORT + "/postgres");
        // As in AWS, the functions connect as the application role and Flyway as the owner. Unlike AWS, each
        // function process migrates at its start (Flyway's lock lets one do it): the local run has no deploy.
        p.put("quarkus.datasource.username", EmbeddedDatabase.APP_ROLE);
        p.put("quarkus.datasource.password", EmbeddedDatabase.APP_ROLE_PASSWORD);
        p.put("quarkus.flyway.username", "postgres");
        p.put("quarkus.flyway.password", "postgres");
        p.put("himoya.store-plaintext-allowed", "true");
        p.putAll(DemoStore.config(DemoStore.CONNECTION, "127.0.0.1", STORE_PORT));
        String kg = "himoya.store.\"" + KG_CONNECTION + "\".";
        p.put(kg + "host", "127.0.0.1");
        p.put(kg + "port", Integer.toString(MARIADB_PORT));
        p.put(kg + "database", EmbeddedMariaDb.DEMO);
        p.put(kg + "username", KG_USER);
        p.put(kg + "password", KG_PASSWORD);
        p.put(kg + "tls", "disable");
        return p;
    }
}
