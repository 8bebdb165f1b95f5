package uz.himoya.local.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static uz.himoya.local.bench.Bench.exec;
import static uz.himoya.local.bench.Bench.queryString;
import static uz.himoya.local.bench.RetentionPair.ROWS;
import static uz.himoya.local.bench.RetentionPair.USERS;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import uz.himoya.crypto.Secrets;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.CatalogueValidator;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.privacymap.PrivacyMapParser;
import uz.himoya.retention.Budget;
import uz.himoya.retention.Exclusions;
import uz.himoya.retention.PlannedRule;
import uz.himoya.retention.RunStore;
import uz.himoya.retention.RunView;
import uz.himoya.retention.SweepEngine;
import uz.himoya.store.Ledger;
import uz.himoya.store.mysql.MysqlCatalogue;
import uz.himoya.store.mysql.MysqlRetention;
import uz.himoya.store.mysql.MysqlSubjects;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.EmbeddedMariaDb;

/**
 * How fast Himoya's retention sweep removes expired rows from an app's MariaDB store, against a hand-written
 * batched DELETE loop on the same store, in the same run (issue 11's benchmark: within 1.3x).
 *
 * <p>demo_kg.access_logs (the demo app on the embedded MariaDB 11.4) holds 2,000,000 rows, every other one past
 * the demo map's 90-day retention (1,000,000 to remove), over 200 users, with the demo schema's index on
 * accessed_at. Himoya runs the real path with the app's store apart from its own database: SweepEngine with
 * Himoya's run record, locks and exclusions on the embedded PostgreSQL, and on MariaDB the MysqlRetention rule
 * compiled from privacy-maps/demo.yaml (with half the table expired it walks the primary key: a keyset
 * {@code DELETE ... ORDER BY id LIMIT n RETURNING id} that never waits for a locked row, falling back to a pick with FOR UPDATE SKIP LOCKED and a guarded DELETE by
 * primary key when it meets one) with its ledger row, one store transaction per batch, then the run record's
 * progress on PostgreSQL.
 * The baseline is what a careful developer writes by hand on MariaDB: {@code DELETE FROM access_logs WHERE
 * accessed_at < ? AND id > ? ORDER BY id LIMIT n RETURNING id}, committed per batch, walking the primary key
 * with a keyset until a batch comes back short. Same batch size and cut-off; runs alternate (Himoya,
 * baseline, ...), and before every run the table is re-seeded and analyzed, and the store is let settle (untimed: see
 * {@link #settle}).
 *
 * <p>Usage: {@code bin/bench-retention-mariadb [warm-up pairs, default 1] [measured pairs, default 3] [batch,
 * default 5000]}. Exits 0 whatever the ratio: a measurement, not a test. It fails loudly if the two leave
 * different tables, because then the numbers would compare different work.
 */
public final class MariaDbRetentionBenchmark {
    private static final String DB = EmbeddedMariaDb.DEMO;
    /** MariaDB's ER_LOCK_WAIT_TIMEOUT. */
    private static final int LOCK_WAIT_TIMEOUT = 1205;

    private interface Sweep {
        long run(Instant asOf) throws SQLException;
    }

    private MariaDbRetentionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // Quarkus's log manager is on the classpath, and with no level set it enables TRACE: MariaDB Connector/J
        // then formats a hex dump of every packet it sends or reads (half of the JVM's samples in a profile),
        // which a deployed function, logging at INFO, never does. Both sides paid it, Himoya more (it moves
        // more bytes per batch).
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        RetentionPair.main(args, "MariaDbRetentionBenchmark [warm-up pairs] [measured pairs] [batch]",
                MariaDbRetentionBenchmark::run, () -> {
                    EmbeddedMariaDb.stop();
                    EmbeddedDatabase.stop();
                });
    }

    private static void run(int warmUp, int measured, int batch) throws Exception {
        System.out.println("[bench] starting embedded PostgreSQL (Himoya's tables) and MariaDB (the app's store) ...");
        EmbeddedDatabase.get();
        EmbeddedDatabase.migrateHimoya();
        // The table and its index (about 400 MB) fit in memory, as a production store's hot tables would.
        System.setProperty("himoya.mariadb.buffer-pool", "1G");
        EmbeddedMariaDb.get();
        EmbeddedMariaDb.loadDemo();
        Secrets secrets = new Secrets(Base64.getEncoder().encodeToString(new byte[32]), new SecureRandom());
        try (Connection admin = EmbeddedMariaDb.connect(DB); Connection himoya = EmbeddedDatabase.dataSource()
                .getConnection(); Connection baselineConnection = EmbeddedMariaDb.connect(DB)) {
            PrivacyMap parsed = map("mariadb");
            Ledger.create(admin, parsed.store("shop"));
            exec(admin, "INSERT INTO users (id, full_name, email) SELECT 3000 + seq, CONCAT('User ', seq),"
                    + " CONCAT('user', seq, '@bench.example') FROM seq_1_to_" + USERS);
            Catalogue catalogue = MysqlCatalogue.load(admin, DB);
            PrivacyMap map = CatalogueValidator.validate(parsed, catalogue);
            // The same map on a MySQL 8 store: the rule then picks with FOR UPDATE SKIP LOCKED and deletes by the
            // picked keys, on this same MariaDB. Measured beside the MariaDB shape, in the same session.
            PrivacyMap mysql = CatalogueValidator.validate(map("mysql"), catalogue);
            SweepEngine engine = new SweepEngine(batch, Clock.systemUTC(), secrets);
            himoya.setAutoCommit(true);
            Sweep himoyaSweep = sweep(himoya, engine, secrets, map, catalogue);
            Sweep mysqlShape = sweep(himoya, engine, secrets, mysql, catalogue);
            MysqlRetention.Rule rule = accessLogs(map, catalogue, secrets);
            baselineConnection.setAutoCommit(false);
            Sweep baseline = asOf -> handWritten(baselineConnection, rule.cutoff(asOf), batch);

            String[] end = new String[1];
            Pairs.Runs runs = Pairs.measure(warmUp, measured, List.of(
                    new Pairs.Side("Himoya sweep (SweepEngine, MysqlRetention)", "Himoya",
                            () -> new double[] {timed(admin, himoyaSweep, end, "Himoya")}),
                    new Pairs.Side("Himoya sweep, MySQL 8 shape (pick, then DELETE)", "MySQL 8 shape",
                            () -> new double[] {timed(admin, mysqlShape, end, "Himoya, MySQL 8 shape")}),
                    new Pairs.Side("hand-written batched DELETE loop", "baseline",
                            () -> new double[] {timed(admin, baseline, end, "baseline")})), (i, ms) -> {
                        System.out.printf("[bench] round %d: Himoya %.0f ms, MySQL 8 shape %.0f ms, baseline %.0f ms"
                                + " (ratios %.2f, %.2f; load %s)%n", i, ms[0][0], ms[1][0], ms[2][0],
                                ms[0][0] / ms[2][0], ms[1][0] / ms[2][0], Bench.loadAverage());
                    });
            report(admin, batch, runs);
        }
    }

    private static MysqlRetention.Rule accessLogs(PrivacyMap map, Catalogue catalogue, Secrets secrets) {
        return MysqlRetention.plan(map, "shop", catalogue, secrets.erasurePseudonymKey()).stream()
                .filter(r -> r.name().equals("access_logs")).findFirst().orElseThrow();
    }

    /** Himoya's real path: a run record on PostgreSQL, SweepEngine, the rule's batches in the store with the ledger. */
    private static Sweep sweep(Connection himoya, SweepEngine engine, Secrets secrets, PrivacyMap map,
            Catalogue catalogue) {
        MysqlRetention.Rule rule = accessLogs(map, catalogue, secrets);
        PlannedRule planned = PlannedRule.in(map.store("shop"), rule);
        MysqlSubjects subjects = new MysqlSubjects(map, catalogue);
        return asOf -> {
            UUID run = UUID.randomUUID();
            RunStore.create(himoya, new RunView(run, "demo", "ops", false, true, asOf, "RUNNING", asOf, null, 1, 0,
                    List.of()), List.of(new RunStore.RuleSpec(rule.name(), rule.action())));
            himoya.setAutoCommit(false);
            try {
                engine.work(himoya, store -> EmbeddedMariaDb.connect(DB), run, Map.of(rule.name(), planned),
                        new Exclusions(secrets, "demo", map.subjectStore(), subjects::find),
                        new Budget(() -> Duration.ofHours(1), Duration.ZERO));
                long rows = RunStore.get(himoya, run).orElseThrow().rules().get(0).rowsAffected();
                himoya.commit();
                return rows;
            } finally {
                himoya.setAutoCommit(true);
            }
        };
    }

    /**
     * The baseline on MariaDB: {@link RetentionPair#handWritten}'s loop over a DELETE with ORDER BY and LIMIT;
     * RETURNING (MariaDB's) gives the last id without a second statement.
     */
    private static long handWritten(Connection c, Instant cutoff, int batch) throws SQLException {
        return RetentionPair.handWritten(c, "DELETE FROM access_logs WHERE accessed_at < ? AND id > ?"
                + " ORDER BY id LIMIT ? RETURNING id", batch, (ps, last) -> {
                    ps.setObject(1, LocalDateTime.ofInstant(cutoff, ZoneOffset.UTC));
                    ps.setLong(2, last);
                    ps.setInt(3, batch);
                });
    }

    /** Re-seeds (untimed), runs one sweep, checks it left what the first run left; returns milliseconds. */
    private static double timed(Connection admin, Sweep sweep, String[] end, String who) throws SQLException {
        seed(admin);
        Instant asOf = Instant.now();
        long start = System.nanoTime();
        long rows = sweep.run(asOf);
        double ms = (System.nanoTime() - start) / 1e6;
        String left = queryString(admin, "SELECT CONCAT(count(*), ':', sum(id), ':', sum(accessed_at < UTC_TIMESTAMP(6)"
                + " - INTERVAL 90 DAY)) FROM access_logs");
        if (end[0] == null) {
            end[0] = left;
        }
        if (rows != ROWS / 2 || !left.equals(end[0])) {
            throw new IllegalStateException("the sweeps do not do the same work: " + who + " removed " + rows
                    + " rows and left " + left + "; the first run left " + end[0]);
        }
        return ms;
    }

    /**
     * 2,000,000 access logs: odd ids 91 to 114 days old (expired), even ids within the last 23 days, in time
     * order within each half, over 200 users. Fixed values, so every seed is the same table.
     */
    private static void seed(Connection admin) throws SQLException {
        System.out.println("[bench] seeding " + ROWS + " rows ...");
        // Right after a run has deleted a million rows, the seed's statements have now and then (in 5-pair runs)
        // waited out innodb_lock_wait_timeout (1205) with no user transaction open: the server's own background
        // work on the table, not either side's. The seed is untimed and starts over from TRUNCATE, so it tries
        // again rather than end the run.
        for (int attempt = 1; ; attempt++) {
            try {
                seedOnce(admin);
                return;
            } catch (SQLException e) {
                if (e.getErrorCode() != LOCK_WAIT_TIMEOUT || attempt == 3) {
                    throw e;
                }
                System.out.println("[bench] the seed waited out a lock (1205); seeding again");
            }
        }
    }

    private static void seedOnce(Connection admin) throws SQLException {
        settle(admin);
        exec(admin, "TRUNCATE access_logs");
        exec(admin, "TRUNCATE " + Ledger.TABLE);
        exec(admin, """
                INSERT INTO access_logs (id, user_id, ip, user_agent, page, accessed_at)
                SELECT seq, 3001 + seq %% %2$d, CONCAT('10.', (seq DIV 65536) %% 256, '.', (seq DIV 256) %% 256, '.',
                       seq %% 256), 'Mozilla/5.0 (Android 14)', CONCAT('/catalog/', seq %% 1000),
                       IF(seq %% 2 = 1, UTC_TIMESTAMP(6) - INTERVAL 91 DAY - INTERVAL seq SECOND,
                          UTC_TIMESTAMP(6) - INTERVAL seq SECOND)
                  FROM seq_1_to_%1$d""".formatted(ROWS, USERS));
        exec(admin, "ANALYZE TABLE access_logs");
        settle(admin);
    }

    /**
     * Waits (untimed) until InnoDB has done the background work of what came before: the purge of the rows the
     * last run deleted (its history list back to empty), and the write-back of the pages the seed dirtied. Why:
     * on this 2-vCPU machine those threads otherwise run during the next timed run, against the connection
     * thread doing the deletes, and how much of them falls into it depends on what ran before and how long it
     * took, not on the sweep measured. Each run now starts from the same quiet store. The dirty-page target is
     * lowered to 0 to have the page cleaner write everything back at once, then set back.
     */
    private static void settle(Connection admin) throws SQLException {
        String target = queryString(admin, "SELECT @@GLOBAL.innodb_max_dirty_pages_pct");
        exec(admin, "SET GLOBAL innodb_max_dirty_pages_pct = 0");
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (status(admin, "INNODB_HISTORY_LIST_LENGTH") > 100 || status(admin, "INNODB_BUFFER_POOL_PAGES_DIRTY")
                    > 100) {
                if (System.nanoTime() > deadline) {
                    System.out.println("[bench] the store did not settle within 2 minutes; going on");
                    return;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        } finally {
            exec(admin, "SET GLOBAL innodb_max_dirty_pages_pct = " + target);
        }
    }

    private static long status(Connection admin, String name) throws SQLException {
        return Long.parseLong(queryString(admin, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
                + " WHERE VARIABLE_NAME = '" + name + "'"));
    }

    /** The demo map (privacy-maps/demo.yaml) on database demo_kg, as the MariaDB demo app uses it; kind of store. */
    private static PrivacyMap map(String kind) {
        String yaml;
        try (InputStream in = MariaDbRetentionBenchmark.class.getClassLoader()
                .getResourceAsStream("privacy-maps/demo.yaml")) {
            yaml = new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        PrivacyMap map = PrivacyMapParser.parse("privacy-maps/demo.yaml", yaml.replace("schema: demo_app",
                "schema: " + DB).replace("kind: postgresql", "kind: " + kind));
        // demo_kg's PascalCase table refers to users; the parser takes lower-case names only
        List<PrivacyMap.Table> tables = new ArrayList<>(map.tables());
        tables.add(new PrivacyMap.Table("CustomerNotes", 999, "shop", "CustomerId", Optional.empty(), "id",
                Map.of("NoteText", "content.free-text"), new PrivacyMap.Delete(), Optional.empty()));
        return map.withTables(tables);
    }

    private static void report(Connection admin, int batch, Pairs.Runs runs) throws SQLException {
        double ratio = runs.ratio(0, 2, 0);
        RetentionPair.header("Himoya retention benchmark on MariaDB: demo_kg.access_logs", batch, runs);
        System.out.println("  mariadb       " + queryString(admin, "SELECT VERSION()") + " (embedded; buffer pool "
                + queryString(admin, "SELECT @@innodb_buffer_pool_size DIV 1048576") + " MiB,"
                + " innodb_flush_log_at_trx_commit=" + queryString(admin, "SELECT @@innodb_flush_log_at_trx_commit")
                + "); Himoya's run record on the embedded PostgreSQL");
        System.out.println("  rounds        " + runs.warmUp() + " warm-up rounds (not counted), " + runs.measured()
                + " measured rounds of Himoya, Himoya with the MySQL 8 shape, baseline; re-seeded before each run");
        System.out.println();
        Pairs.Table t = RetentionPair.table(runs, 46);
        t.line("ratio Himoya/baseline (time)", ratio);
        t.line("ratio MySQL 8 shape/baseline (time)", runs.ratio(1, 2, 0));
        Pairs.goal(RetentionPair.GOAL, ratio);
        runs.listing("ms", "%.0f");
    }
}
