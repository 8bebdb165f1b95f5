package uz.himoya.local.bench;

import static uz.himoya.local.bench.Bench.exec;
import static uz.himoya.local.bench.Bench.queryLong;
import static uz.himoya.local.bench.Bench.queryString;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import uz.himoya.store.postgres.PostgresErasurePlanner;
import uz.himoya.store.AppRegistry;
import uz.himoya.testing.DemoStore;

/**
 * How much Himoya's generic, map-driven erasure costs against the same erasure written by hand in JDBC.
 *
 * <p>One subject of the demo app (user 1001) owns 10,004 rows in 8 tables; 200 other users own more, so
 * every statement must pick the subject's rows out of a larger table. Each run is one transaction shaped
 * like the worker's: StoreErasure's isolation (REPEATABLE READ, set before and put back after, inside the
 * timing), look the subject up, erase every table, commit. Beside each run's elapsed time the CPU time of the
 * side's server process is read from /proc, which leaves out the waiting for a CPU a shared machine adds. Himoya runs the plan compiled from
 * privacy-maps/demo.yaml; the baseline runs the same statements typed out by hand. Runs alternate
 * (Himoya, baseline, Himoya, ...) so drift on the machine hits both alike, and before every run the
 * subject's rows are put back byte for byte, vacuumed and checkpointed (untimed), so every run starts
 * from the same database state.
 *
 * <p>Usage: {@code bin/bench-erasure [warm-up pairs, default 5] [measured pairs, default 15]}. Always exits
 * 0 whatever the ratio: it is a measurement, not a test. It does fail loudly if the two erasures do not
 * leave the same database behind, because then the numbers would compare different work.
 */
public final class ErasureBenchmark {

    private static final String APP = "demo";
    private static final long SUBJECT = 1001;
    /** A fixed key, so the keyed hashes (and so the end state) are the same in every run. Benchmark only. */
    private static final String PSEUDONYM_KEY = "5a1e0b3c".repeat(8);

    // The subject's volume: 4,000 + 2,000 + 1,000 + 1,500 + 1,500 = 10,000 rows, plus the user, the
    // profile and two consents.
    private static final int ACCESS_LOGS = 4_000;
    private static final int SESSIONS = 2_000;
    private static final int DEVICES = 1_000;
    private static final int ORDERS = 1_500; // one order_items row (with a gift note) per order
    private static final int OTHER_USERS = 200;

    /**
     * The subject's rows get explicit ids BASE+1.. in every table (the sequences stay far below), so each
     * re-seed recreates exactly the same rows and the end states of both erasures can be compared whole.
     */
    private static final long BASE = 10_000_000L;
    private static final long OTHER_ORDERS_BASE = 20_000_000L;

    /** Every table of the demo map, for vacuuming and for the end-state fingerprints. */
    private static final List<String> TABLES = List.of("users", "profiles", "orders", "order_items", "access_logs",
            "sessions", "devices", "marketing_consents");

    private ErasureBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        ErasurePair.main(args, "ErasureBenchmark [warm-up pairs] [measured pairs]", ErasureBenchmark::run, DemoStore::stop);
    }

    private static void run(int warmUpPairs, int measuredPairs) throws Exception {
        // The erasure touches only the app's store: its own server, as an app's database is (issue 11).
        System.out.println("[bench] starting the demo app's store (embedded PostgreSQL) and seeding ...");
        Bench.startDemoStore();
        DemoStore.loadDemo();
        DataSource ds = DemoStore.dataSource();
        // One long-lived connection per side, like a pooled connection in the worker (pgjdbc's per-connection
        // statement cache then behaves as it does in production), and a third one for seeding and checks.
        try (Connection admin = ds.getConnection(); Connection himoyaConnection = ds.getConnection();
                Connection baselineConnection = ds.getConnection()) {
            seedOtherUsers(admin);
            reseedSubject(admin);
            exec(admin, "ANALYZE " + qualifiedTables());

            // Compiled once, outside the timing, as the worker does at start-up.
            AppRegistry.CompiledApp app = AppRegistry.compile(himoyaConnection, APP, PSEUDONYM_KEY);
            // Each side's server process, whose CPU time is measured beside the elapsed time.
            ErasurePair.Side himoya = new ErasurePair.Side(himoyaConnection, queryLong(himoyaConnection,
                    "SELECT pg_backend_pid()"), ErasurePair.himoya(app, app.map().subjectStore().name(), SUBJECT));
            ErasurePair.Side baseline = new ErasurePair.Side(baselineConnection, queryLong(baselineConnection,
                    "SELECT pg_backend_pid()"), ErasureBenchmark::handWritten);
            ErasurePair.Store store = new ErasurePair.Store(() -> prepare(admin),
                    othersOnly -> fingerprints(admin, othersOnly), (who, problems) -> checkSubjectGone(admin, who,
                    problems), false);
            ErasurePair.Result result = ErasurePair.run(warmUpPairs, measuredPairs, store, himoya, baseline);
            ErasurePair.report(result, "Himoya erasure benchmark: app 'demo', subject " + SUBJECT
                    + ", one transaction per run", "postgresql    " + queryString(admin, "SHOW server_version")
                    + " (embedded; fsync=" + queryString(admin, "SHOW fsync") + ", synchronous_commit="
                    + queryString(admin, "SHOW synchronous_commit") + ")",
                    PostgresErasurePlanner.plan(app.map(), app.catalogues(), PSEUDONYM_KEY).steps().size(),
                    "the server's");
        }
    }

    /**
     * The baseline: what a developer would write by hand for the demo app, children before parents, with
     * the same lookup and the same anonymized values as the privacy map. Statements are prepared per run
     * and closed, as PostgresErasureExecutor does.
     */
    private static long handWritten(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, email, locale FROM demo_app.users WHERE id = ?")) {
            ps.setLong(1, SUBJECT);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("the baseline did not find subject " + SUBJECT);
                }
            }
        }
        long rows = 0;
        rows += update(c, "UPDATE demo_app.order_items SET gift_note = NULL"
                + " WHERE order_id IN (SELECT id FROM demo_app.orders WHERE user_id = ?)", SUBJECT);
        rows += update(c, "UPDATE demo_app.orders SET user_id = NULL, recipient_name = '[erased]',"
                + " delivery_address = '[erased]', phone = encode(sha256(convert_to(? || phone::text, 'UTF8')), 'hex')"
                + " WHERE user_id = ?", PSEUDONYM_KEY, SUBJECT);
        rows += update(c, "DELETE FROM demo_app.profiles WHERE user_id = ?", SUBJECT);
        rows += update(c, "DELETE FROM demo_app.access_logs WHERE user_id = ?", SUBJECT);
        rows += update(c, "DELETE FROM demo_app.sessions WHERE user_id = ?", SUBJECT);
        rows += update(c, "DELETE FROM demo_app.devices WHERE user_id = ?", SUBJECT);
        rows += update(c, "DELETE FROM demo_app.marketing_consents WHERE user_id = ?", SUBJECT);
        rows += update(c, "DELETE FROM demo_app.users WHERE id = ?", SUBJECT);
        return rows;
    }

    private static long update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeLargeUpdate();
        }
    }

    /** Untimed: the subject's rows back as they were, dead rows vacuumed, dirty pages flushed. */
    private static void prepare(Connection admin) throws SQLException {
        reseedSubject(admin);
        // Without VACUUM, dead rows and index entries from earlier runs would pile up and slow later runs;
        // with CHECKPOINT, every run starts with clean pages and pays the same full-page writes.
        exec(admin, "VACUUM " + qualifiedTables());
        exec(admin, "CHECKPOINT");
    }

    /** Per table: row count and an md5 over every row's text, in a fixed order. */
    private static Map<String, String> fingerprints(Connection admin, boolean othersOnly) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String t : TABLES) {
            String where = othersOnly ? " WHERE " + notSubject(t) : "";
            out.put(t, queryString(admin, "SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, E'\\n'"
                    + " ORDER BY t::text), '')) FROM demo_app." + t + " t" + where));
        }
        return out;
    }

    /** Rows that never belonged to the subject (the subject's kept orders and items have ids above BASE). */
    private static String notSubject(String table) {
        return switch (table) {
            case "users" -> "id <> " + SUBJECT;
            case "orders", "order_items" -> "id NOT BETWEEN " + (BASE + 1) + " AND " + (BASE + ORDERS);
            default -> "user_id <> " + SUBJECT;
        };
    }

    private static void checkSubjectGone(Connection admin, String who, List<String> problems) throws SQLException {
        Map<String, String> expectZero = new LinkedHashMap<>();
        expectZero.put("users", "id = " + SUBJECT);
        for (String t : List.of("profiles", "orders", "access_logs", "sessions", "devices", "marketing_consents")) {
            expectZero.put(t, "user_id = " + SUBJECT);
        }
        for (Map.Entry<String, String> e : expectZero.entrySet()) {
            long n = queryLong(admin, "SELECT count(*) FROM demo_app." + e.getKey() + " WHERE " + e.getValue());
            if (n != 0) {
                problems.add(who + ": " + n + " rows of the subject left in " + e.getKey());
            }
        }
        // The kept orders: cut loose, redacted, and the phone replaced by sha256(key || original phone).
        long orders = queryLong(admin, "SELECT count(*) FROM demo_app.orders WHERE id BETWEEN " + (BASE + 1)
                + " AND " + (BASE + ORDERS) + " AND user_id IS NULL AND recipient_name = '[erased]'"
                + " AND delivery_address = '[erased]' AND phone = encode(sha256(convert_to('" + PSEUDONYM_KEY
                + "' || " + subjectPhone("id - " + BASE) + ", 'UTF8')), 'hex')");
        if (orders != ORDERS) {
            problems.add(who + ": " + orders + " of " + ORDERS + " kept orders anonymized as mapped");
        }
        long items = queryLong(admin, "SELECT count(*) FROM demo_app.order_items WHERE id BETWEEN " + (BASE + 1)
                + " AND " + (BASE + ORDERS) + " AND gift_note IS NULL AND order_id = id");
        if (items != ORDERS) {
            problems.add(who + ": " + items + " of " + ORDERS + " kept order items anonymized as mapped");
        }
    }

    /** The subject's phone on order n, as SQL: different per order, so every keyed hash differs too. */
    private static String subjectPhone(String n) {
        return "'+99890' || lpad((" + n + ")::text, 7, '0')";
    }

    /**
     * Removes whatever is left of the subject (the demo seed's rows the first time, the kept anonymized
     * orders and items afterwards) and inserts the subject's 10,004 rows again, all values fixed.
     */
    private static void reseedSubject(Connection admin) throws SQLException {
        long s = SUBJECT;
        long lo = BASE + 1;
        long hi = BASE + ORDERS;
        exec(admin, """
                SET search_path TO demo_app;
                DELETE FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE user_id = %1$d OR id BETWEEN %2$d AND %3$d);
                DELETE FROM orders WHERE user_id = %1$d OR id BETWEEN %2$d AND %3$d;
                DELETE FROM access_logs WHERE user_id = %1$d;
                DELETE FROM sessions WHERE user_id = %1$d;
                DELETE FROM devices WHERE user_id = %1$d;
                DELETE FROM marketing_consents WHERE user_id = %1$d;
                DELETE FROM profiles WHERE user_id = %1$d;
                DELETE FROM users WHERE id = %1$d;
                INSERT INTO users (id, full_name, email, phone, locale, created_at, last_sign_in_at) VALUES
                 (%1$d, 'Dilnoza Karimova', 'dilnoza@demo.example', '+998901112233', 'uz',
                  timestamptz '2025-01-01 10:00+05', timestamptz '2026-01-20 09:00+05');
                INSERT INTO profiles (user_id, patronymic, city, organisation, position) VALUES
                 (%1$d, 'Akmalovna', 'Toshkent', 'Demo LLC', 'Menejer');
                INSERT INTO marketing_consents (user_id, channel, granted_at) VALUES
                 (%1$d, 'email', timestamptz '2025-01-02 10:00+05'), (%1$d, 'sms', timestamptz '2025-01-02 10:00+05');
                INSERT INTO access_logs (id, user_id, ip, user_agent, page, accessed_at)
                SELECT %4$d + g, %1$d, ('10.0.' || (g / 250) || '.' || (g %% 250))::inet, 'Mozilla/5.0 (Android 14)',
                       '/catalog/' || g, timestamptz '2026-01-20 12:00+05' - g * interval '1 hour'
                  FROM generate_series(1, %5$d) g;
                INSERT INTO sessions (id, user_id, cookie_id, ip, created_at, last_seen_at)
                SELECT %4$d + g, %1$d, md5('%1$d-' || g), ('10.1.' || (g / 250) || '.' || (g %% 250))::inet,
                       timestamptz '2026-01-20 12:00+05' - g * interval '3 hours',
                       timestamptz '2026-01-20 12:00+05' - g * interval '3 hours' + interval '20 minutes'
                  FROM generate_series(1, %6$d) g;
                INSERT INTO devices (id, user_id, device_model, os, push_token)
                SELECT %4$d + g, %1$d, 'Samsung A54', 'Android 14', 'push-%1$d-' || g FROM generate_series(1, %7$d) g;
                INSERT INTO orders (id, user_id, recipient_name, delivery_address, phone, total_sum, created_at)
                SELECT %4$d + g, %1$d, 'Dilnoza Karimova', 'Toshkent, Chilonzor ' || g, %9$s, 1000.00 * g,
                       timestamptz '2026-01-20 12:00+05' - g * interval '6 hours'
                  FROM generate_series(1, %8$d) g;
                INSERT INTO order_items (id, order_id, sku, gift_note)
                SELECT %4$d + g, %4$d + g, 'SKU-' || g, 'Onajonimga sovg''a #' || g FROM generate_series(1, %8$d) g;
                RESET search_path;
                """.formatted(s, lo, hi, BASE, ACCESS_LOGS, SESSIONS, DEVICES, ORDERS, subjectPhone("g")));
    }

    /**
     * Users 2001.. with 50 access logs, 10 sessions, 5 devices, 8 orders (one item each), a profile and a
     * consent each: 15,000+ rows besides the subject's, so the deletes must be selective.
     */
    private static void seedOtherUsers(Connection admin) throws SQLException {
        exec(admin, """
                SET search_path TO demo_app;
                INSERT INTO users (id, full_name, email, phone, locale, created_at)
                SELECT 2000 + u, 'User ' || u, 'user' || u || '@demo.example', '+99893' || lpad(u::text, 7, '0'), 'ru',
                       timestamptz '2025-06-01 10:00+05' FROM generate_series(1, %1$d) u;
                INSERT INTO profiles (user_id, patronymic, city) SELECT 2000 + u, 'Otchestvo ' || u, 'Samarqand'
                  FROM generate_series(1, %1$d) u;
                INSERT INTO marketing_consents (user_id, channel, granted_at)
                SELECT 2000 + u, 'email', timestamptz '2025-06-02 10:00+05' FROM generate_series(1, %1$d) u;
                INSERT INTO access_logs (user_id, ip, user_agent, page, accessed_at)
                SELECT 2000 + u, ('10.2.' || u || '.' || g)::inet, 'Mozilla/5.0 (iPhone)', '/catalog/' || g,
                       timestamptz '2026-01-20 12:00+05' - g * interval '1 day'
                  FROM generate_series(1, %1$d) u, generate_series(1, 50) g;
                INSERT INTO sessions (user_id, cookie_id, ip, created_at)
                SELECT 2000 + u, md5(u || '-' || g), ('10.3.' || u || '.' || g)::inet,
                       timestamptz '2026-01-20 12:00+05' - g * interval '1 day'
                  FROM generate_series(1, %1$d) u, generate_series(1, 10) g;
                INSERT INTO devices (user_id, device_model, os, push_token)
                SELECT 2000 + u, 'iPhone 13', 'iOS 18', 'push-' || u || '-' || g
                  FROM generate_series(1, %1$d) u, generate_series(1, 5) g;
                INSERT INTO orders (id, user_id, recipient_name, delivery_address, phone, total_sum, created_at)
                SELECT %2$d + u * 10 + g, 2000 + u, 'User ' || u, 'Samarqand, ' || g, '+99893' || lpad(u::text, 7, '0'),
                       500.00 * g, timestamptz '2026-01-20 12:00+05' - g * interval '1 day'
                  FROM generate_series(1, %1$d) u, generate_series(1, 8) g;
                INSERT INTO order_items (id, order_id, sku, gift_note)
                SELECT id, id, 'SKU-X', 'Tabriklayman!' FROM orders WHERE id > %2$d;
                RESET search_path;
                """.formatted(OTHER_USERS, OTHER_ORDERS_BASE));
    }

    private static String qualifiedTables() {
        return String.join(", ", TABLES.stream().map(t -> "demo_app." + t).toList());
    }
}
