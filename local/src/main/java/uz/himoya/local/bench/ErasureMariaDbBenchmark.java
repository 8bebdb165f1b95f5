package uz.himoya.local.bench;

import static uz.himoya.local.bench.Bench.exec;
import static uz.himoya.local.bench.Bench.queryLong;
import static uz.himoya.local.bench.Bench.queryString;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uz.himoya.store.AppRegistry;
import uz.himoya.testing.EmbeddedMariaDb;

/**
 * Himoya's MySQL/MariaDB erasure (uz.himoya.store.mysql.MysqlErasure, through the store port) against the same
 * multi-table statements typed out by hand in JDBC, on an embedded MariaDB: the demo-kg app's store.
 *
 * <p>The same shape as {@link ErasureBenchmark}: one subject (user 1001) owns 10,004 rows in the 8 tables
 * privacy-maps/demo-kg.yaml maps (it deletes all of them), and 200 other users own more, so every statement
 * must pick the subject's rows out of a larger table. Both sides connect as Himoya's user with only the grants
 * infra/README.md lists, as the store's pool does (found rows, not affected rows). Each run is one transaction
 * shaped like the worker's (StoreErasure's isolation, look the subject up, erase every table, commit); runs
 * alternate Himoya, baseline, Himoya, ..., and before every run the subject's rows are put back as they were and
 * InnoDB's purge of the rows deleted before is waited for (untimed), so every run starts from the same state.
 *
 * <p>Usage: {@code bin/bench-erasure-mariadb [warm-up pairs, default 5] [measured pairs, default 15]}. Always
 * exits 0 whatever the ratio: it is a measurement, not a test. It fails loudly if the two erasures do not leave
 * the same database behind.
 */
public final class ErasureMariaDbBenchmark {

    private static final String APP = "demo-kg";
    private static final String DB = EmbeddedMariaDb.DEMO;
    private static final long SUBJECT = 1001;
    /** A fixed key (the map keeps nothing, so it shapes nothing here). Benchmark only. */
    private static final String PSEUDONYM_KEY = "5a1e0b3c".repeat(8);

    // 4,000 + 2,000 + 1,000 + 1,500 + 1,500 = 10,000 rows, plus the user, the profile and two consents.
    private static final int ACCESS_LOGS = 4_000;
    private static final int SESSIONS = 2_000;
    private static final int DEVICES = 1_000;
    private static final int ORDERS = 1_500; // one order_items row per order
    private static final int OTHER_USERS = 200;
    /** The subject's rows get explicit ids BASE+1.. in every table, so each re-seed recreates the same rows. */
    private static final long BASE = 10_000_000L;
    private static final long OTHER_ORDERS_BASE = 20_000_000L;

    /** The mapped tables, and CustomerNotes, which the users' foreign key cascades to (not mapped). */
    private static final List<String> TABLES = List.of("users", "profiles", "orders", "order_items", "access_logs",
            "sessions", "devices", "marketing_consents", "CustomerNotes");

    private ErasureMariaDbBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        ErasurePair.main(args, "ErasureMariaDbBenchmark [warm-up pairs] [measured pairs]", ErasureMariaDbBenchmark::run, EmbeddedMariaDb::stop);
    }

    private static void run(int warmUpPairs, int measuredPairs) throws Exception {
        System.out.println("[bench] starting the demo-kg app's store (embedded MariaDB) and seeding ...");
        Path home = Path.of("local-data", "bench", "servers", "erasure-mariadb").toAbsolutePath();
        EmbeddedMariaDb.start(0, home, Path.of("local", "target", "embedded-servers", "mariadb").toAbsolutePath());
        EmbeddedMariaDb.loadDemoStore(); // the demo data, the DBA's ledger table, Himoya's user and its grants
        String url = "jdbc:mariadb://127.0.0.1:" + EmbeddedMariaDb.port() + "/" + DB + "?user="
                + EmbeddedMariaDb.HIMOYA_USER + "&password=" + EmbeddedMariaDb.HIMOYA_PASSWORD
                + "&useAffectedRows=false";
        try (Connection admin = EmbeddedMariaDb.connect(DB);
                Connection himoyaConnection = open(url);
                Connection baselineConnection = open(url)) {
            // As zonky's PostgreSQL runs with synchronous_commit=off: a commit does not wait for the disk, whose
            // latency on a shared machine would be most of what is measured.
            exec(admin, "SET GLOBAL innodb_flush_log_at_trx_commit = 2");
            exec(admin, "SET SESSION group_concat_max_len = 1073741824");
            seedOtherUsers(admin);
            reseedSubject(admin);
            for (String t : TABLES) {
                exec(admin, "ANALYZE TABLE " + q(t));
            }

            AppRegistry.CompiledApp app = AppRegistry.compile(himoyaConnection, APP, PSEUDONYM_KEY);
            String store = app.map().subjectStore().name();
            ErasurePair.Side himoya = new ErasurePair.Side(himoyaConnection, serverThread(himoyaConnection),
                    ErasurePair.himoya(app, store, SUBJECT));
            ErasurePair.Side baseline = new ErasurePair.Side(baselineConnection, serverThread(baselineConnection),
                    ErasureMariaDbBenchmark::handWritten);
            // demo-kg's map deletes every row of the subject: the tables after must be the other users' before.
            ErasurePair.Store tables = new ErasurePair.Store(() -> prepare(admin),
                    othersOnly -> fingerprints(admin, othersOnly), (who, problems) -> checkSubjectGone(admin, who,
                    problems), true);
            ErasurePair.Result result = ErasurePair.run(warmUpPairs, measuredPairs, tables, himoya, baseline);
            ErasurePair.report(result, "Himoya erasure benchmark on MariaDB: app '" + APP + "', subject " + SUBJECT
                    + ", one transaction per run", "mariadb       " + queryString(admin, "SELECT VERSION()")
                    + " (embedded; innodb_flush_log_at_trx_commit="
                    + queryString(admin, "SELECT @@innodb_flush_log_at_trx_commit") + ", isolation "
                    + queryString(admin, "SELECT @@GLOBAL.transaction_isolation") + " by default)",
                    app.eraser(store).tables().size(), "the server thread's");
        }
    }

    private static Connection open(String url) throws SQLException {
        return new org.mariadb.jdbc.Driver().connect(url, new java.util.Properties());
    }

    /** The server thread serving a connection (MariaDB's PROCESSLIST.TID), whose CPU time is measured. */
    private static long serverThread(Connection c) throws SQLException {
        return queryLong(c, "SELECT TID FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()");
    }

    /**
     * The baseline: what a developer would write by hand for demo-kg, children before parents, the order items
     * through a multi-table DELETE (MySQL refuses a subquery on the table a DELETE deletes from). Statements are
     * prepared per run and closed, as MysqlErasure does.
     */
    private static long handWritten(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, email FROM demo_kg.users WHERE id = ?")) {
            ps.setLong(1, SUBJECT);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("the baseline did not find subject " + SUBJECT);
                }
            }
        }
        long rows = 0;
        rows += update(c, "DELETE i FROM demo_kg.order_items i JOIN demo_kg.orders o ON o.id = i.order_id"
                + " WHERE o.user_id = ?");
        rows += update(c, "DELETE FROM demo_kg.orders WHERE user_id = ?");
        rows += update(c, "DELETE FROM demo_kg.profiles WHERE user_id = ?");
        rows += update(c, "DELETE FROM demo_kg.access_logs WHERE user_id = ?");
        rows += update(c, "DELETE FROM demo_kg.sessions WHERE user_id = ?");
        rows += update(c, "DELETE FROM demo_kg.devices WHERE user_id = ?");
        rows += update(c, "DELETE FROM demo_kg.marketing_consents WHERE user_id = ?");
        rows += update(c, "DELETE FROM demo_kg.users WHERE id = ?");
        return rows;
    }

    private static long update(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, SUBJECT);
            return ps.executeLargeUpdate();
        }
    }

    /**
     * Untimed: the subject's rows back as they were, and InnoDB's purge of the rows deleted so far waited for
     * (innodb_max_purge_lag_wait = 0 returns once the history is empty), the counterpart of the PostgreSQL
     * benchmark's VACUUM: delete-marked index entries would otherwise pile up and slow later runs.
     */
    private static void prepare(Connection admin) throws SQLException {
        reseedSubject(admin);
        exec(admin, "SET GLOBAL innodb_max_purge_lag_wait = 0");
    }

    /**
     * Per table: row count and an MD5 over every row (each column QUOTE()d, so NULL and '' differ), in a fixed
     * order; othersOnly leaves out the subject's rows.
     */
    private static Map<String, String> fingerprints(Connection admin, boolean othersOnly) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String t : TABLES) {
            List<String> columns = new ArrayList<>();
            try (PreparedStatement ps = admin.prepareStatement("SELECT COLUMN_NAME FROM information_schema.COLUMNS"
                    + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
                ps.setString(1, DB);
                ps.setString(2, t);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        columns.add("QUOTE(t." + q(rs.getString(1)) + ")");
                    }
                }
            }
            String row = "CONCAT_WS('|', " + String.join(", ", columns) + ")";
            String where = othersOnly ? " WHERE " + notSubject(t) : "";
            out.put(t, queryString(admin, "SELECT CONCAT(COUNT(*), ':', MD5(COALESCE(GROUP_CONCAT(" + row
                    + " ORDER BY " + row + " SEPARATOR '\\n'), ''))) FROM " + DB + "." + q(t) + " t" + where));
        }
        return out;
    }

    /** Rows that never belonged to the subject. */
    private static String notSubject(String table) {
        return switch (table) {
            case "users" -> "t.id <> " + SUBJECT;
            case "order_items" -> "t.order_id NOT BETWEEN " + (BASE + 1) + " AND " + (BASE + ORDERS);
            case "CustomerNotes" -> "t.`CustomerId` <> " + SUBJECT;
            default -> "t.user_id <> " + SUBJECT;
        };
    }

    private static void checkSubjectGone(Connection admin, String who, List<String> problems) throws SQLException {
        for (String t : TABLES) {
            String where = notSubject(t).replace("<>", "=").replace("NOT BETWEEN", "BETWEEN");
            long n = queryLong(admin, "SELECT COUNT(*) FROM " + DB + "." + q(t) + " t WHERE " + where);
            if (n != 0) {
                problems.add(who + ": " + n + " rows of the subject left in " + t);
            }
        }
    }

    /**
     * Removes whatever is left of the subject (the demo seed's rows the first time) and inserts the subject's
     * 10,004 rows again (and two support notes), all values fixed; MariaDB's sequence tables stand in for
     * PostgreSQL's generate_series.
     */
    private static void reseedSubject(Connection admin) throws SQLException {
        long s = SUBJECT;
        String[] statements = {
            "DELETE i FROM %3$s.order_items i JOIN %3$s.orders o ON o.id = i.order_id WHERE o.user_id = %1$d",
            "DELETE FROM %3$s.orders WHERE user_id = %1$d",
            "DELETE FROM %3$s.access_logs WHERE user_id = %1$d",
            "DELETE FROM %3$s.sessions WHERE user_id = %1$d",
            "DELETE FROM %3$s.devices WHERE user_id = %1$d",
            "DELETE FROM %3$s.marketing_consents WHERE user_id = %1$d",
            "DELETE FROM %3$s.profiles WHERE user_id = %1$d",
            "DELETE FROM %3$s.`CustomerNotes` WHERE `CustomerId` = %1$d",
            "DELETE FROM %3$s.users WHERE id = %1$d",
            "INSERT INTO %3$s.users (id, full_name, email, phone, locale, created_at, last_sign_in_at) VALUES"
                    + " (%1$d, 'Dilnoza Karimova', 'dilnoza@demo.example', '+998901112233', 'uz',"
                    + " '2025-01-01 05:00:00', '2026-01-20 04:00:00')",
            "INSERT INTO %3$s.profiles (user_id, patronymic, city, organisation, position) VALUES"
                    + " (%1$d, 'Akmalovna', 'Toshkent', 'Demo LLC', 'Menejer')",
            "INSERT INTO %3$s.marketing_consents (user_id, channel, granted_at) VALUES"
                    + " (%1$d, 'email', '2025-01-02 05:00:00'), (%1$d, 'sms', '2025-01-02 05:00:00')",
            "INSERT INTO %3$s.`CustomerNotes` (`Id`, `CustomerId`, `NoteText`, `CreatedAt`) VALUES"
                    + " (%2$d + 1, %1$d, 'Prefers delivery after 18:00', '2025-02-01 05:00:00'),"
                    + " (%2$d + 2, %1$d, 'Asked about gift wrapping', '2025-02-02 05:00:00')",
            "INSERT INTO %3$s.access_logs (id, user_id, ip, user_agent, page, accessed_at)"
                    + " SELECT %2$d + seq, %1$d, CONCAT('10.0.', seq DIV 250, '.', seq MOD 250),"
                    + " 'Mozilla/5.0 (Android 14)', CONCAT('/catalog/', seq),"
                    + " TIMESTAMP '2026-01-20 07:00:00' - INTERVAL seq HOUR FROM seq_1_to_" + ACCESS_LOGS,
            "INSERT INTO %3$s.sessions (id, user_id, cookie_id, ip, created_at, last_seen_at)"
                    + " SELECT %2$d + seq, %1$d, MD5(CONCAT('%1$d-', seq)),"
                    + " CONCAT('10.1.', seq DIV 250, '.', seq MOD 250),"
                    + " TIMESTAMP '2026-01-20 07:00:00' - INTERVAL 3 * seq HOUR,"
                    + " TIMESTAMP '2026-01-20 07:20:00' - INTERVAL 3 * seq HOUR FROM seq_1_to_" + SESSIONS,
            "INSERT INTO %3$s.devices (id, user_id, device_model, os, push_token)"
                    + " SELECT %2$d + seq, %1$d, 'Samsung A54', 'Android 14', CONCAT('push-%1$d-', seq)"
                    + " FROM seq_1_to_" + DEVICES,
            "INSERT INTO %3$s.orders (id, user_id, recipient_name, delivery_address, phone, total_sum, created_at)"
                    + " SELECT %2$d + seq, %1$d, 'Dilnoza Karimova', CONCAT('Toshkent, Chilonzor ', seq),"
                    + " CONCAT('+99890', LPAD(seq, 7, '0')), 1000.00 * seq,"
                    + " TIMESTAMP '2026-01-20 07:00:00' - INTERVAL 6 * seq HOUR FROM seq_1_to_" + ORDERS,
            "INSERT INTO %3$s.order_items (id, order_id, sku, gift_note)"
                    + " SELECT %2$d + seq, %2$d + seq, CONCAT('SKU-', seq), CONCAT('Onajonimga sovg''a #', seq)"
                    + " FROM seq_1_to_" + ORDERS,
        };
        admin.setAutoCommit(false);
        try {
            for (String sql : statements) {
                exec(admin, sql.formatted(s, BASE, DB));
            }
            admin.commit();
        } finally {
            admin.setAutoCommit(true);
        }
    }

    /**
     * Users 2001.. with 50 access logs, 10 sessions, 5 devices, 8 orders (one item each), a profile and a
     * consent each: 15,000+ rows besides the subject's, so the deletes must be selective.
     */
    private static void seedOtherUsers(Connection admin) throws SQLException {
        String[] statements = {
            "INSERT INTO %2$s.users (id, full_name, email, phone, locale, created_at)"
                    + " SELECT 2000 + u.seq, CONCAT('User ', u.seq), CONCAT('user', u.seq, '@demo.example'),"
                    + " CONCAT('+99893', LPAD(u.seq, 7, '0')), 'ru', '2025-06-01 05:00:00' FROM seq_1_to_%1$d u",
            "INSERT INTO %2$s.profiles (user_id, patronymic, city) SELECT 2000 + u.seq, CONCAT('Otchestvo ', u.seq),"
                    + " 'Samarqand' FROM seq_1_to_%1$d u",
            "INSERT INTO %2$s.marketing_consents (user_id, channel, granted_at) SELECT 2000 + u.seq, 'email',"
                    + " '2025-06-02 05:00:00' FROM seq_1_to_%1$d u",
            "INSERT INTO %2$s.access_logs (user_id, ip, user_agent, page, accessed_at)"
                    + " SELECT 2000 + u.seq, CONCAT('10.2.', u.seq, '.', g.seq), 'Mozilla/5.0 (iPhone)',"
                    + " CONCAT('/catalog/', g.seq), TIMESTAMP '2026-01-20 07:00:00' - INTERVAL g.seq DAY"
                    + " FROM seq_1_to_%1$d u JOIN seq_1_to_50 g ORDER BY u.seq, g.seq",
            "INSERT INTO %2$s.sessions (user_id, cookie_id, ip, created_at)"
                    + " SELECT 2000 + u.seq, MD5(CONCAT(u.seq, '-', g.seq)), CONCAT('10.3.', u.seq, '.', g.seq),"
                    + " TIMESTAMP '2026-01-20 07:00:00' - INTERVAL g.seq DAY"
                    + " FROM seq_1_to_%1$d u JOIN seq_1_to_10 g ORDER BY u.seq, g.seq",
            "INSERT INTO %2$s.devices (user_id, device_model, os, push_token)"
                    + " SELECT 2000 + u.seq, 'iPhone 13', 'iOS 18', CONCAT('push-', u.seq, '-', g.seq)"
                    + " FROM seq_1_to_%1$d u JOIN seq_1_to_5 g ORDER BY u.seq, g.seq",
            "INSERT INTO %2$s.orders (id, user_id, recipient_name, delivery_address, phone, total_sum, created_at)"
                    + " SELECT %3$d + u.seq * 10 + g.seq, 2000 + u.seq, CONCAT('User ', u.seq),"
                    + " CONCAT('Samarqand, ', g.seq), CONCAT('+99893', LPAD(u.seq, 7, '0')), 500.00 * g.seq,"
                    + " TIMESTAMP '2026-01-20 07:00:00' - INTERVAL g.seq DAY FROM seq_1_to_%1$d u JOIN seq_1_to_8 g",
            "INSERT INTO %2$s.order_items (id, order_id, sku, gift_note)"
                    + " SELECT id, id, 'SKU-X', 'Tabriklayman!' FROM %2$s.orders WHERE id > %3$d",
        };
        for (String sql : statements) {
            exec(admin, sql.formatted(OTHER_USERS, DB, OTHER_ORDERS_BASE));
        }
    }

    private static String q(String identifier) {
        return uz.himoya.db.Identifiers.mysql(identifier);
    }
}
