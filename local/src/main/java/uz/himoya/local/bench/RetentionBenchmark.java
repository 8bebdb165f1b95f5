package uz.himoya.local.bench;

import static uz.himoya.local.bench.Bench.cpuModel;
import static uz.himoya.local.bench.Bench.percentile;
import static uz.himoya.local.bench.Bench.queryString;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import uz.himoya.crypto.Secrets;
import uz.himoya.store.AppRegistry;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.retention.Budget;
import uz.himoya.retention.Exclusions;
import uz.himoya.store.postgres.PostgresSweepRule;
import uz.himoya.retention.PlannedRule;
import uz.himoya.store.postgres.PostgresRetention;
import uz.himoya.retention.RunStore;
import uz.himoya.retention.RunView;
import uz.himoya.retention.SweepEngine;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.EmbeddedDatabase;

/**
 * How fast Himoya's retention sweep removes expired rows, against a hand-written batched DELETE loop.
 *
 * <p>demo_app.access_logs holds 2,000,000 rows, every other one past the demo map's 90-day retention
 * (1,000,000 to remove), over 200 users, with the demo schema's index on accessed_at. Himoya runs the real
 * sweep path (SweepEngine: the per-rule advisory lock, the exclusions read in every batch, the keyset batch
 * statement compiled from privacy-maps/demo.yaml run on the store's own connection with its ledger row in the
 * store's transaction, then the progress row in Himoya's; here the store is a schema of the same server). The baseline is what a careful developer would write by hand: {@code DELETE ...
 * WHERE id IN (SELECT id ... WHERE accessed_at < cutoff AND id > last ORDER BY id LIMIT n)} and commit, until a
 * batch comes back short.
 * Both use the same batch size and cut-off. Runs alternate (Himoya, baseline, ...); before every run the
 * table is re-seeded, vacuumed, analyzed and checkpointed (untimed), so each starts from the same state.
 *
 * <p>Usage: {@code bin/bench-retention [warm-up pairs, default 1] [measured pairs, default 3] [batch, default
 * 5000]}. Exits 0 whatever the ratio: a measurement, not a test. It fails loudly if the two leave different
 * tables, because then the numbers would compare different work.
 */
public final class RetentionBenchmark {
    private static final int ROWS = 2_000_000;
    private static final int USERS = 200;
    private static final double GOAL = 1.30;
    private static final String PSEUDONYM_KEY = "5a1e0b3c".repeat(8);

    private interface Sweep {
        long run(Connection c, Instant asOf) throws SQLException;
    }

    private RetentionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int warmUp = arg(args, 0, 1);
        int measured = Math.max(1, arg(args, 1, 3));
        int batch = Math.max(1, arg(args, 2, 5000));
        try {
            run(warmUp, measured, batch);
        } finally {
            EmbeddedDatabase.stop();
        }
        System.exit(0); // the goal never sets the exit code; the embedded server's threads must not linger
    }

    private static void run(int warmUp, int measured, int batch) throws Exception {
        System.out.println("[bench] starting Himoya's embedded PostgreSQL and the demo app's store (a second one) ...");
        // As deployed: the app's rows in its own store, Himoya's run records in Himoya's database.
        Bench.startHimoyaServer();
        Bench.startDemoStore();
        DemoStore.loadDemo();
        EmbeddedDatabase.run("db/migration/V1__deletion.sql");
        EmbeddedDatabase.run("db/migration/V3__retention.sql");
        EmbeddedDatabase.run("db/migration/V4__row_identity.sql");
        DataSource ds = EmbeddedDatabase.dataSource();
        DataSource storeDs = DemoStore.dataSource();
        Secrets secrets = new Secrets(Base64.getEncoder().encodeToString(new byte[32]), new SecureRandom());
        try (Connection admin = storeDs.getConnection(); Connection himoyaAdmin = ds.getConnection();
                Connection himoyaConnection = ds.getConnection(); Connection baselineConnection = storeDs.getConnection()) {
            exec(admin, "INSERT INTO demo_app.users (id, full_name, email) SELECT 3000 + u, 'User ' || u,"
                    + " 'user' || u || '@bench.example' FROM generate_series(1, " + USERS + ") u");
            AppRegistry.CompiledApp app = AppRegistry.compile(admin, "demo", PSEUDONYM_KEY);
            PostgresSweepRule rule = PostgresRetention.plan(app.map(), Catalogue.load(admin, "demo_app"),
                    PSEUDONYM_KEY).stream().filter(r -> r.name().equals("access_logs")).findFirst().orElseThrow();
            SweepEngine engine = new SweepEngine(batch, Clock.systemUTC(), secrets);
            Sweep himoya = (c, asOf) -> {
                UUID run = UUID.randomUUID();
                c.setAutoCommit(true);
                RunStore.create(c, new RunView(run, "demo", "ops", false, true, asOf, "RUNNING", asOf, null, 1, 0,
                        List.of()), List.of(new RunStore.RuleSpec(rule.name(), rule.action())));
                c.setAutoCommit(false);
                engine.work(c, store -> storeDs.getConnection(), run, Map.of(rule.name(), PlannedRule.in(
                        app.map().store("shop"), rule)), new Exclusions(secrets, "demo", app.map().subjectStore(),
                        app.subjects()::find), new Budget(() -> Duration.ofHours(1), Duration.ZERO));
                long rows = RunStore.get(c, run).orElseThrow().rules().get(0).rowsAffected();
                c.commit(); // no transaction left open: the next seed truncates the run tables
                return rows;
            };
            Sweep baseline = (c, asOf) -> handWritten(c, rule.cutoff(asOf), batch);
            himoyaConnection.setAutoCommit(false);
            baselineConnection.setAutoCommit(false);

            String[] ends = new String[2];
            double[] h = new double[measured];
            double[] b = new double[measured];
            for (int i = -warmUp; i < measured; i++) {
                double hm = timed(admin, himoyaAdmin, himoyaConnection, himoya, ends, 0);
                double bm = timed(admin, himoyaAdmin, baselineConnection, baseline, ends, 1);
                if (i >= 0) {
                    h[i] = hm;
                    b[i] = bm;
                }
            }
            report(admin, warmUp, measured, batch, h, b);
        }
    }

    /**
     * The baseline: a batched DELETE loop as a careful developer writes it, one transaction per batch, walking
     * the primary key with a keyset (id &gt; last) so no batch re-reads what earlier ones removed. (The naive
     * loop without the keyset, {@code ... WHERE accessed_at < ? LIMIT n}, re-scans the deleted rows every
     * batch and was about ten times slower here: not a fair opponent.)
     */
    private static long handWritten(Connection c, Instant cutoff, int batch) throws SQLException {
        long total = 0;
        long last = 0;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM demo_app.access_logs WHERE id IN (SELECT id"
                + " FROM demo_app.access_logs WHERE accessed_at < ? AND id > ? ORDER BY id LIMIT ?) RETURNING id")) {
            while (true) {
                ps.setTimestamp(1, Timestamp.from(cutoff));
                ps.setLong(2, last);
                ps.setInt(3, batch);
                int n = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        n++;
                        last = Math.max(last, rs.getLong(1));
                    }
                }
                c.commit();
                total += n;
                if (n < batch) {
                    return total;
                }
            }
        }
    }

    /** Re-seeds (untimed), runs one sweep, checks what it left; returns milliseconds. */
    private static double timed(Connection admin, Connection himoyaAdmin, Connection c, Sweep sweep, String[] ends,
            int side) throws SQLException {
        seed(admin, himoyaAdmin);
        Instant asOf = Instant.now();
        long start = System.nanoTime();
        long rows = sweep.run(c, asOf);
        double ms = (System.nanoTime() - start) / 1e6;
        String end = queryString(admin, "SELECT count(*) || ':' || sum(id) || ':' || count(*) FILTER (WHERE"
                + " accessed_at < now() - interval '90 days') FROM demo_app.access_logs");
        if (rows != ROWS / 2 || !end.equals(ends[1 - side] == null ? end : ends[1 - side])) {
            throw new IllegalStateException("the two sweeps do not do the same work: " + (side == 0 ? "Himoya"
                    : "baseline") + " removed " + rows + " rows and left " + end + "; the other left " + ends[1 - side]);
        }
        ends[side] = end;
        return ms;
    }

    /**
     * 2,000,000 access logs: odd ids 91 to 120 days old (expired), even ids within the last 23 days, in time
     * order within each half, over 200 users. Fixed values, so every seed is the same table.
     */
    private static void seed(Connection admin, Connection himoyaAdmin) throws SQLException {
        System.out.println("[bench] seeding " + ROWS + " rows ...");
        exec(admin, "TRUNCATE demo_app.access_logs, demo_app.himoya_ledger");
        exec(himoyaAdmin, "TRUNCATE retention_run CASCADE");
        exec(admin, """
                INSERT INTO demo_app.access_logs (id, user_id, ip, user_agent, page, accessed_at)
                SELECT g, 3001 + g %% %2$d, ('10.' || (g / 65536) %% 256 || '.' || (g / 256) %% 256 || '.' || g %% 256)::inet,
                       'Mozilla/5.0 (Android 14)', '/catalog/' || g %% 1000,
                       CASE WHEN g %% 2 = 1 THEN now() - interval '91 days' - g * interval '1 second'
                            ELSE now() - g * interval '1 second' END
                  FROM generate_series(1, %1$d) g""".formatted(ROWS, USERS));
        exec(admin, "VACUUM ANALYZE demo_app.access_logs");
        exec(admin, "CHECKPOINT");
    }

    private static void report(Connection admin, int warmUp, int measured, int batch, double[] h, double[] b)
            throws SQLException {
        double hm = percentile(h, 50);
        double bm = percentile(b, 50);
        double ratio = hm / bm;
        System.out.println();
        System.out.println("Himoya retention benchmark: demo_app.access_logs, " + ROWS + " rows, " + ROWS / 2
                + " expired (P90D), batches of " + batch);
        System.out.println("  date          " + OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS));
        System.out.println("  java.version  " + System.getProperty("java.version"));
        System.out.println("  cpus          " + Runtime.getRuntime().availableProcessors() + " (" + cpuModel() + ")");
        System.out.println("  postgresql    " + queryString(admin, "SHOW server_version") + " (embedded; fsync="
                + queryString(admin, "SHOW fsync") + ")");
        System.out.println("  rounds        " + warmUp + " warm-up pairs (not counted), " + measured
                + " measured pairs, alternating Himoya/baseline, re-seeded before each run");
        System.out.println();
        System.out.printf("  %-34s %12s %14s%n", "", "median ms", "rows/second");
        System.out.printf("  %-34s %12.0f %14.0f%n", "Himoya sweep (SweepEngine)", hm, ROWS / 2 / (hm / 1000));
        System.out.printf("  %-34s %12.0f %14.0f%n", "hand-written batched DELETE loop", bm, ROWS / 2 / (bm / 1000));
        System.out.printf("  %-34s %12.2f%n", "ratio Himoya/baseline (time)", ratio);
        System.out.printf("%n  goal: ratio <= %.2f -> %s%n%n", GOAL, ratio <= GOAL ? "PASS" : "FAIL");
        System.out.println("  Himoya ms per run:   " + list(h));
        System.out.println("  baseline ms per run: " + list(b));
    }

    private static String list(double[] ms) {
        return Arrays.stream(ms).mapToObj(m -> String.format("%.0f", m)).collect(Collectors.joining(" "));
    }

    private static int arg(String[] args, int i, int dflt) {
        if (args.length <= i) {
            return dflt;
        }
        try {
            return Integer.parseInt(args[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("usage: RetentionBenchmark [warm-up pairs] [measured pairs] [batch];"
                    + " got '" + args[i] + "'");
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        } finally {
            c.setAutoCommit(auto);
        }
    }

}
