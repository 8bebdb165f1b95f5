package uz.himoya.local.bench;

import static uz.himoya.local.bench.Bench.queryString;
import static uz.himoya.local.bench.RetentionPair.ROWS;
import static uz.himoya.local.bench.RetentionPair.USERS;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
    private static final String PSEUDONYM_KEY = "5a1e0b3c".repeat(8);

    private interface Sweep {
        long run(Connection c, Instant asOf) throws SQLException;
    }

    private RetentionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        RetentionPair.main(args, "RetentionBenchmark [warm-up pairs] [measured pairs] [batch]", RetentionBenchmark::run,
                EmbeddedDatabase::stop);
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
            Pairs.Runs runs = Pairs.measure(warmUp, measured, List.of(
                    new Pairs.Side("Himoya sweep (SweepEngine)", "Himoya", () -> new double[] {
                        timed(admin, himoyaAdmin, himoyaConnection, himoya, ends, 0)}),
                    new Pairs.Side("hand-written batched DELETE loop", "baseline", () -> new double[] {
                        timed(admin, himoyaAdmin, baselineConnection, baseline, ends, 1)})));
            report(admin, batch, runs);
        }
    }

    /**
     * The baseline on PostgreSQL: {@link RetentionPair#handWritten}'s loop over a DELETE of the ids a keyset
     * subquery picks. (The naive loop without the keyset, {@code ... WHERE accessed_at < ? LIMIT n}, re-scans the
     * deleted rows every batch and was about ten times slower here: not a fair opponent.)
     */
    private static long handWritten(Connection c, Instant cutoff, int batch) throws SQLException {
        return RetentionPair.handWritten(c, "DELETE FROM demo_app.access_logs WHERE id IN (SELECT id"
                + " FROM demo_app.access_logs WHERE accessed_at < ? AND id > ? ORDER BY id LIMIT ?) RETURNING id", batch,
                (ps, last) -> {
                    ps.setTimestamp(1, Timestamp.from(cutoff));
                    ps.setLong(2, last);
                    ps.setInt(3, batch);
                });
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

    private static void report(Connection admin, int batch, Pairs.Runs runs) throws SQLException {
        double ratio = runs.ratio(0, 1, 0);
        RetentionPair.header("Himoya retention benchmark: demo_app.access_logs", batch, runs);
        System.out.println("  postgresql    " + queryString(admin, "SHOW server_version") + " (embedded; fsync="
                + queryString(admin, "SHOW fsync") + ")");
        System.out.println("  rounds        " + runs.warmUp() + " warm-up pairs (not counted), " + runs.measured()
                + " measured pairs, alternating Himoya/baseline, re-seeded before each run");
        System.out.println();
        RetentionPair.table(runs, 34).line("ratio Himoya/baseline (time)", ratio);
        Pairs.goal(RetentionPair.GOAL, ratio);
        runs.listing("ms", "%.0f");
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
