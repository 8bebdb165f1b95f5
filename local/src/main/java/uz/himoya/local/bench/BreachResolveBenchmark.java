package uz.himoya.local.bench;

import static uz.himoya.local.bench.Bench.exec;
import static uz.himoya.local.bench.Bench.loadAverage;
import static uz.himoya.local.bench.Bench.queryLong;
import static uz.himoya.local.bench.Bench.queryString;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import uz.himoya.breach.BreachResolveBench;
import uz.himoya.store.AppRegistry;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.DemoStore;

/**
 * Breach resolution across databases at volume: 1,000,000 affected subjects read from the app's own store,
 * a second embedded PostgreSQL server, into notice rows in Himoya's database (the first server).
 *
 * <p>The store holds the demo schema with 1,100,000 users (ids from 100000) and one access log each: the
 * first 1,000,000 inside the breach window, the rest a year later. Himoya resolves the demo map's
 * "access-logs" selector exactly as BreachService.register does (BreachResolver: the store's keyset pages
 * through uz.himoya.store.postgres.PostgresAffectedSubjects, COPY into breach_notice through NoticeCopy,
 * hashes and locale in Java). The baseline is the same work written by hand for this one schema: a JDBC
 * keyset loop over the same EXISTS query with the same page size, the same hashes and locale rule, one
 * COPY into a second incident. Each run is the resolution and its commit in Himoya's database; before each
 * run both incidents' notices are deleted, vacuumed and checkpointed (untimed). The first pair is the
 * warm-up and the check that both write the same notices, seq included.
 *
 * <p>Heap: before each run the JVM collects twice, then every heap pool's peak is reset and each collection
 * during the run is watched. "peak used" is the sum of the heap pools' peaks (what the run asked of the heap,
 * garbage included: it follows the young generation's size more than the data); "most live" is the largest
 * heap in use just after any collection during the run (what the run kept: one page, or everything).
 *
 * <p>Usage: {@code bin/bench-breach-resolve [subjects, default 1000000] [measured pairs, default 5]}; also
 * part A of {@code bin/bench-breach}. Always exits 0: a measurement, not a test. A run whose two sides do
 * not write the same notices is reported as not measured.
 */
public final class BreachResolveBenchmark {
    private static final String HASH_KEY = "5a1e0b3c".repeat(8);
    private static final long FIRST_ID = 100_000;
    private static final Instant WINDOW_FROM = Instant.parse("2024-06-01T00:00:00Z");
    private static final Instant WINDOW_TO = Instant.parse("2024-06-02T00:00:00Z");
    private static final double GOAL = 1.30;
    private static final UUID HIMOYA = UUID.fromString("00000000-0000-4000-8000-0000000000c1");
    private static final UUID BASELINE = UUID.fromString("00000000-0000-4000-8000-0000000000c2");
    private static final Set<String> APP_LOCALES = Set.of("uz", "uz-Cyrl", "ru", "ky", "en");
    private static final String DEFAULT_LOCALE = "uz";

    /**
     * The baseline's page: what one writes by hand for demo_app, the same EXISTS and keyset, with the cursor
     * on both sides of the semi-join (without a.user_id &gt; ? PostgreSQL merges from the index's start on
     * every page, and a million subjects take n * n / 2).
     */
    private static final String BASELINE_PAGE = """
            SELECT u.id, u.email, u.locale FROM demo_app.users u
             WHERE u.email IS NOT NULL AND u.id > ?
               AND EXISTS (SELECT 1 FROM demo_app.access_logs a
                            WHERE a.user_id = u.id AND a.user_id > ? AND a.accessed_at >= ? AND a.accessed_at < ?)
             ORDER BY u.id LIMIT ?""";

    private interface Run {
        int run(Connection himoya, Connection store) throws SQLException;
    }

    /** One run's figures. */
    private record Measured(double ms, long peakUsed, long mostLive) {
        /** As {@link Pairs} keeps them: time first, then the heap's figures in MB. */
        double[] figures() {
            return new double[] {ms, peakUsed / 1048576.0, mostLive / 1048576.0};
        }
    }

    private static final String USAGE = "BreachResolveBenchmark [subjects] [measured pairs]";

    private BreachResolveBenchmark() {
    }

    public static void main(String[] args) {
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        try {
            int subjects = Bench.arg(args, 0, 1_000_000, 1, "subjects", USAGE);
            int pairs = Bench.arg(args, 1, 5, 1, "measured pairs", USAGE);
            System.out.println("[bench] starting Himoya's embedded PostgreSQL ...");
            EmbeddedDatabase.get();
            EmbeddedDatabase.migrateHimoya(); // Himoya's tables only: the app's are on the other server
            run(subjects, pairs);
        } catch (Throwable e) {
            System.out.println();
            System.out.println("[bench] FAILED: " + e);
            e.printStackTrace(System.out);
        } finally {
            DemoStore.stop();
            EmbeddedDatabase.stop();
        }
        System.exit(0);
    }

    /** Part A of the breach benchmark: Himoya's database must be started and migrated. */
    static void run(int subjects, int pairs) throws Exception {
        System.out.println("[bench] starting the app store's embedded PostgreSQL (a second server) ...");
        DataSource storeDs = DemoStore.dataSource();
        DataSource himoyaDs = EmbeddedDatabase.dataSource();
        DemoStore.loadDemo();
        try (Connection admin = himoyaDs.getConnection(); Connection storeAdmin = storeDs.getConnection()) {
            int others = subjects / 10;
            System.out.printf("[bench] seeding the store: %,d users, %,d of them with an access log inside the"
                    + " window ...%n", subjects + others, subjects);
            seed(storeAdmin, subjects + others, subjects);
            AppRegistry.CompiledApp app = AppRegistry.compile(AppRegistry.parse("demo"), s -> storeDs.getConnection(),
                    HASH_KEY);
            Instant now = Instant.now();
            exec(admin, "DELETE FROM breach_notice WHERE incident_id IN ('" + HIMOYA + "', '" + BASELINE + "')");
            exec(admin, "DELETE FROM breach_incident WHERE id IN ('" + HIMOYA + "', '" + BASELINE + "')");
            BreachResolveBench.insertIncident(admin, HIMOYA, "demo", "bench: resolution (Himoya)", WINDOW_FROM,
                    WINDOW_TO, now);
            BreachResolveBench.insertIncident(admin, BASELINE, "demo", "bench: resolution (baseline)", WINDOW_FROM,
                    WINDOW_TO, now);
            header(admin, storeAdmin, subjects);

            Run himoya = (h, s) -> BreachResolveBench.resolve(h, s, app, HIMOYA, WINDOW_FROM, WINDOW_TO, HASH_KEY);
            Run baseline = BreachResolveBenchmark::handWritten;
            HeapWatch heap = new HeapWatch();
            try (Connection h1 = himoyaDs.getConnection(); Connection h2 = himoyaDs.getConnection();
                    Connection s1 = storeDs.getConnection(); Connection s2 = storeDs.getConnection()) {
                h1.setAutoCommit(false);
                h2.setAutoCommit(false);
                System.out.println();
                System.out.printf("[bench] resolving %,d subjects; 1 warm-up pair (also the equality check), %d"
                        + " measured ...%n", subjects, pairs);
                // The warm-up's baseline runs beside Himoya's notices, so that the check after it compares the two
                // sets; every other run starts from no notices of either incident.
                boolean[] warmUp = {true};
                String[] check = new String[1];
                Pairs.Runs runs = Pairs.measure(1, pairs, List.of(
                        new Pairs.Side("Himoya (BreachResolver: port + COPY)", "Himoya", () -> {
                            prepare(admin);
                            return timed(h1, s1, himoya, subjects, heap).figures();
                        }),
                        new Pairs.Side("hand-written JDBC keyset + COPY", "baseline", () -> {
                            if (!warmUp[0]) {
                                prepare(admin);
                            }
                            return timed(h2, s2, baseline, subjects, heap).figures();
                        })), (i, figures) -> {
                            if (warmUp[0]) {
                                check[0] = compare(admin, subjects);
                                warmUp[0] = false;
                                System.out.printf("[bench]   warm-up: Himoya %.0f ms, baseline %.0f ms; %s%n",
                                        figures[0][0], figures[1][0], check[0]);
                            } else {
                                System.out.printf("[bench]   pair %d: Himoya %.0f ms, baseline %.0f ms%n", i + 1,
                                        figures[0][0], figures[1][0]);
                            }
                        });
                report(subjects, check[0], runs);
            }
            prepare(admin);
        }
    }

    // ---------------------------------------------------------------------------------------------- setup

    /** users [FIRST_ID, FIRST_ID + users), one access log each; the first inWindow inside the window. */
    private static void seed(Connection store, int users, int inWindow) throws SQLException {
        long last = FIRST_ID + users - 1;
        exec(store, """
                INSERT INTO demo_app.users (id, full_name, email, locale, created_at)
                SELECT g, 'Bench User ' || g, 'u' || g || '@bench.example',
                       (ARRAY['uz', 'ru', 'ky', 'en', 'uz-Cyrl'])[1 + ((g - %1$d) %% 5)],
                       timestamptz '2024-01-01 00:00Z'
                  FROM generate_series(%1$d, %2$d) g""".formatted(FIRST_ID, last));
        exec(store, """
                INSERT INTO demo_app.access_logs (user_id, ip, user_agent, page, accessed_at)
                SELECT g, '10.9.0.1'::inet, 'Mozilla/5.0 (bench)', '/bench/' || (g %% 1000),
                       CASE WHEN g < %3$d THEN timestamptz '%4$s' + ((g %% 86400) * interval '1 second')
                            ELSE timestamptz '%4$s' + interval '365 days' END
                  FROM generate_series(%1$d, %2$d) g""".formatted(FIRST_ID, last, FIRST_ID + inWindow, WINDOW_FROM));
        exec(store, "VACUUM ANALYZE demo_app.users, demo_app.access_logs");
        exec(store, "CHECKPOINT");
    }

    private static void header(Connection himoya, Connection store, int subjects) throws SQLException {
        Bench.header("Himoya breach resolution across databases: app 'demo', selector 'access-logs'", ", max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB, GC "
                + String.join("+", ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName())
                        .toList()), loadAverage() + " (1/5/15 min; the machine is shared)");
        System.out.println("  himoya db     " + server(himoya) + ", port " + EmbeddedDatabase.get().getPort());
        System.out.println("  app store     " + server(store) + ", port " + DemoStore.server().getPort()
                + " (a second server: nothing joins the two)");
        System.out.printf("  subjects      %,d affected of %,d users; pages of %,d%n", subjects,
                queryLong(store, "SELECT count(*) FROM demo_app.users"), BreachResolveBench.PAGE_SIZE);
        System.out.flush();
    }

    private static String server(Connection c) throws SQLException {
        return "PostgreSQL " + queryString(c, "SHOW server_version") + " (embedded; fsync=" + queryString(c, "SHOW fsync")
                + ", synchronous_commit=" + queryString(c, "SHOW synchronous_commit") + ", shared_buffers="
                + queryString(c, "SHOW shared_buffers") + ")";
    }

    // ------------------------------------------------------------------------------------------- baseline

    /**
     * The hand-written resolution: keyset pages of the EXISTS query on the store, each row's hashes and
     * locale computed in the loop, all rows through one COPY into Himoya's breach_notice.
     */
    private static int handWritten(Connection himoya, Connection store) throws SQLException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] key = HASH_KEY.getBytes(StandardCharsets.UTF_8);
        HexFormat hex = HexFormat.of();
        int page = BreachResolveBench.PAGE_SIZE;
        int seq = 0;
        CopyIn copy = himoya.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY breach_notice (incident_id, seq,"
                + " subject_hash, address, address_hash, locale, status) FROM STDIN");
        try (PreparedStatement ps = store.prepareStatement(BASELINE_PAGE)) {
            ps.setTimestamp(3, Timestamp.from(WINDOW_FROM));
            ps.setTimestamp(4, Timestamp.from(WINDOW_TO));
            ps.setInt(5, page);
            long after = Long.MIN_VALUE;
            StringBuilder rows = new StringBuilder(page * 200);
            while (true) {
                ps.setLong(1, after);
                ps.setLong(2, after);
                int n = 0;
                rows.setLength(0);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        after = rs.getLong(1);
                        String email = rs.getString(2);
                        String locale = rs.getString(3);
                        sha.update(key);
                        byte[] subjectHash = sha.digest(Long.toString(after).getBytes(StandardCharsets.UTF_8));
                        sha.update(key);
                        byte[] addressHash = sha.digest(email.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
                        // The bench's addresses and locales hold no tab, newline or backslash to escape.
                        rows.append(BASELINE).append('\t').append(++seq).append("\t\\\\x")
                                .append(hex.formatHex(subjectHash)).append('\t').append(email).append("\t\\\\x")
                                .append(hex.formatHex(addressHash)).append('\t')
                                .append(locale != null && APP_LOCALES.contains(locale) ? locale : DEFAULT_LOCALE)
                                .append("\tPENDING\n");
                        n++;
                    }
                }
                byte[] b = rows.toString().getBytes(StandardCharsets.UTF_8);
                copy.writeToCopy(b, 0, b.length);
                if (n < page) {
                    break;
                }
            }
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        return seq;
    }

    // ------------------------------------------------------------------------------------------- the runs

    /** The resolution and its commit; fails if it did not write one notice per subject. */
    private static Measured timed(Connection himoya, Connection store, Run run, int expected, HeapWatch heap)
            throws SQLException {
        heap.before();
        long start = System.nanoTime();
        int rows;
        try {
            rows = run.run(himoya, store);
            himoya.commit();
        } catch (SQLException | RuntimeException e) {
            himoya.rollback();
            throw e;
        }
        double ms = (System.nanoTime() - start) / 1e6;
        Measured m = new Measured(ms, heap.peakUsed(), heap.mostLive());
        if (rows != expected) {
            throw new IllegalStateException("a resolution wrote " + rows + " notices, expected " + expected);
        }
        return m;
    }

    /** Untimed: no notices of either incident, dead rows vacuumed, dirty pages flushed. */
    private static void prepare(Connection himoya) throws SQLException {
        exec(himoya, "DELETE FROM breach_notice WHERE incident_id IN ('" + HIMOYA + "', '" + BASELINE + "')");
        exec(himoya, "VACUUM breach_notice");
        exec(himoya, "CHECKPOINT");
    }

    /** Both incidents hold the same notices, seq included, 1..n each; Himoya's hashes are the SQL formula's. */
    private static String compare(Connection himoya, int subjects) throws SQLException {
        String cols = "seq, subject_hash, address, address_hash, locale, status, attempts";
        long onlyH = queryLong(himoya, "SELECT count(*) FROM (SELECT " + cols + " FROM breach_notice WHERE incident_id"
                + " = '" + HIMOYA + "' EXCEPT ALL SELECT " + cols + " FROM breach_notice WHERE incident_id = '"
                + BASELINE + "') x");
        long onlyB = queryLong(himoya, "SELECT count(*) FROM (SELECT " + cols + " FROM breach_notice WHERE incident_id"
                + " = '" + BASELINE + "' EXCEPT ALL SELECT " + cols + " FROM breach_notice WHERE incident_id = '"
                + HIMOYA + "') x");
        List<String> problems = new ArrayList<>();
        for (UUID id : List.of(HIMOYA, BASELINE)) {
            String seqs = queryString(himoya, "SELECT count(*) || ' ' || count(DISTINCT seq) || ' ' || min(seq) || ' '"
                    + " || max(seq) FROM breach_notice WHERE incident_id = '" + id + "'");
            String expected = subjects + " " + subjects + " 1 " + subjects;
            if (!seqs.equals(expected)) {
                problems.add(id + ": count, distinct seq, min, max = " + seqs + ", expected " + expected);
            }
        }
        if (onlyH != 0 || onlyB != 0) {
            problems.add(onlyH + " notices only Himoya wrote, " + onlyB + " only the baseline wrote");
        }
        // The store's keys are FIRST_ID.., so the formula the SQL resolution used can be checked here alone.
        long sample = Math.min(subjects, 100_000);
        long keyed = queryLong(himoya, "SELECT count(*) FROM breach_notice n JOIN generate_series(" + FIRST_ID + ", "
                + (FIRST_ID + sample - 1) + ") g ON n.subject_hash = sha256(convert_to('" + HASH_KEY + "' || g::text,"
                + " 'UTF8')) AND n.address = 'u' || g || '@bench.example' AND n.address_hash = sha256(convert_to('"
                + HASH_KEY + "' || lower(n.address), 'UTF8')) WHERE n.incident_id = '" + HIMOYA + "'");
        if (keyed != sample) {
            problems.add("only " + keyed + " of the first " + sample + " Himoya notices carry sha256(key || id) and"
                    + " the user's address");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the two resolutions do not do the same work:\n  "
                    + String.join("\n  ", problems));
        }
        return "identical notice sets (" + subjects + " rows each, seq 1.." + subjects + " in key order, EXCEPT ALL"
                + " both ways empty; hashes = sha256(key || id), sha256(key || lower(address)))";
    }

    private static void report(int subjects, String check, Pairs.Runs runs) {
        System.out.println();
        System.out.printf("Breach resolution, %,d affected subjects from the app's store into Himoya's notices"
                + " (resolution + commit per run)%n", subjects);
        System.out.println("  check         " + check);
        System.out.println("  rounds        1 warm-up pair (not counted), " + runs.measured() + " measured pairs,"
                + " alternating Himoya/baseline; notices deleted + VACUUM + CHECKPOINT before each run");
        System.out.println("  load average  " + runs.load() + " (start -> end)");
        System.out.println();
        Pairs.Table t = runs.table(40, Pairs.Column.percentileOf("median ms", 10, "%.0f", 0, 50),
                Pairs.Column.minOf("min ms", 10, "%.0f", 0), Pairs.Column.maxOf("max ms", 10, "%.0f", 0),
                Pairs.Column.perSecond("rows/s", 12, "%,.0f", 0, subjects),
                Pairs.Column.maxOf("peak used", 11, "%.1f", 1), Pairs.Column.maxOf("most live", 11, "%.1f", 2));
        double ratio = runs.ratio(0, 1, 0);
        t.line("ratio Himoya/baseline (time)", ratio);
        // On a shared machine neighbours come and go: a pair's two runs are adjacent, so its ratio, and the
        // two fastest runs, are less exposed to them than the medians are.
        t.line("median of the pairs' ratios", runs.pairsRatio(0, 1, 0), "per pair: "
                + Bench.list(runs.pairRatios(0, 1, 0), "%.2f"));
        t.line("ratio of the fastest runs", Arrays.stream(runs.figure(0, 0)).min().orElseThrow()
                / Arrays.stream(runs.figure(1, 0)).min().orElseThrow());
        Pairs.goal(GOAL, ratio);
        System.out.println("  peak used: the heap pools' peaks summed (garbage included); most live: the heap in"
                + " use just after any collection during the run; both the largest over the measured runs, in MB");
        runs.listing("ms", "%.0f");
        System.out.flush();
    }

    // --------------------------------------------------------------------------------------------- heap

    /** The heap's peak and its largest post-collection size during one run. */
    private static final class HeapWatch {
        private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        private final Set<String> heapPools = Set.copyOf(pools.stream().map(MemoryPoolMXBean::getName).toList());
        private final AtomicLong mostLive = new AtomicLong();

        HeapWatch() {
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) gc).addNotificationListener((n, handback) -> {
                    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        return;
                    }
                    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                            (CompositeData) n.getUserData());
                    long used = 0;
                    for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        if (heapPools.contains(e.getKey())) {
                            used += e.getValue().getUsed();
                        }
                    }
                    long u = used;
                    mostLive.accumulateAndGet(u, Math::max);
                }, null, null);
            }
        }

        /** Collects, then starts watching from the heap's floor. */
        void before() {
            System.gc();
            System.gc();
            pools.forEach(MemoryPoolMXBean::resetPeakUsage);
            long floor = pools.stream().map(MemoryPoolMXBean::getUsage).mapToLong(MemoryUsage::getUsed).sum();
            mostLive.set(floor);
        }

        long peakUsed() {
            return pools.stream().map(MemoryPoolMXBean::getPeakUsage).mapToLong(MemoryUsage::getUsed).sum();
        }

        long mostLive() {
            return mostLive.get();
        }
    }
}
