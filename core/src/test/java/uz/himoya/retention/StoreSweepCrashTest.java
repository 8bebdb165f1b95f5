package uz.himoya.retention;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uz.himoya.testing.EmbeddedDatabase;

/**
 * Exactly once across two databases, with a real crash: a sweep process works a run of the demo app, whose
 * data is in a store of its own (a second embedded PostgreSQL server, or MariaDB); right after the store
 * committed a batch of access_logs with its ledger row, and before Himoya's database recorded it, the process
 * is killed with SIGKILL. The next invocation must end the run with exactly the run record an uninterrupted
 * run gives: no batch lost, none counted twice, none run again.
 */
class StoreSweepCrashTest {
    private static final String CHILD = "himoya-sweep-crash-child";

    /**
     * The dying sweep: works the run, says so when the store has committed batch n of the rule, then waits to
     * be killed before Himoya's commit could come. args: store kind, store URL, Himoya's URL, run id, batch
     * size, rule, n.
     */
    public static void main(String[] args) throws Exception {
        SweepStore store = SweepStore.of(args[0], args[1]);
        SweepStore.Plan plan = store.plan();
        String dieIn = args[5];
        int dieAt = Integer.parseInt(args[6]);
        Properties himoya = new Properties();
        himoya.setProperty("user", "postgres");
        himoya.setProperty("password", "postgres");
        himoya.setProperty("ApplicationName", CHILD);
        try (Connection c = DriverManager.getConnection(args[2], himoya)) {
            c.setAutoCommit(false);
            new SweepEngine(Integer.parseInt(args[4]), Clock.systemUTC(), SweepStore.SECRETS).onStoreCommit((rule, n) -> {
                if (rule.equals(dieIn) && n == dieAt) {
                    System.out.println("STORE-COMMITTED");
                    System.out.flush();
                    try {
                        Thread.sleep(TimeUnit.MINUTES.toMillis(5)); // Himoya's commit would come here: it never does
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }).work(c, store::open, UUID.fromString(args[3]), plan.rules(), plan.exclusions(), LedgerSweeps.unlimited());
        }
        System.out.println("SWEEP-ENDED"); // not reached when the test works
    }

    @ParameterizedTest(name = "{0}, killed after batch {1}, mostly expired {2}")
    @CsvSource({"POSTGRESQL, 2, false", "POSTGRESQL, 4, false", "MARIADB, 2, false", "MARIADB, 4, false",
            "MARIADB, 2, true", "MARIADB, 4, true"})
    void shouldEndWithTheUninterruptedRunsRecord_whenTheSweepIsKilledBetweenTheStoresCommitAndHimoyas(String kind,
            int killedAfter, boolean mostlyExpired) throws Exception {
        // Arrange: what an uninterrupted run records (John, 1005, under a legal hold; batches of 3: access_logs
        // takes 3, 3, 3 and 1 rows, so batch 4 is the short one that ends the rule's walk). Mostly expired: most
        // live access logs are gone first, so that on MariaDB the run walks the primary key (MysqlRetention.Walk)
        SweepStore.resetHimoya();
        SweepStore store = StoreSweepTest.store(kind);
        if (mostlyExpired) {
            thinLiveLogs(store);
        }
        SweepStore.hold("1005");
        SweepStore.Plan first = store.plan();
        List<String> uninterrupted = StoreSweepTest.summary(store.work(first, SweepStore.newRun(first, false,
                Instant.now()), StoreSweepTest.BATCH, LedgerSweeps.unlimited(), (rule, n) -> {
                }));
        store.load();
        if (mostlyExpired) {
            thinLiveLogs(store);
        }
        SweepStore.resetHimoya();
        SweepStore.hold("1005");
        SweepStore.Plan plan = store.plan();
        UUID run = SweepStore.newRun(plan, false, Instant.now());

        // Act: the sweep process dies right after the store's commit; then the run is resumed
        Process sweep = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StoreSweepCrashTest.class.getName(), kind, store.url(),
                EmbeddedDatabase.jdbcUrl(), run.toString(), String.valueOf(StoreSweepTest.BATCH), "access_logs",
                String.valueOf(killedAfter)).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(sweep.getInputStream(), UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("STORE-COMMITTED")) {
                // the child's start-up output
            }
            assertThat(line).as("the sweep process reached the store's commit").isEqualTo("STORE-COMMITTED");
            sweep.destroyForcibly(); // SIGKILL: no shutdown hook, no rollback, no goodbye
            assertThat(sweep.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        awaitSessionGone(); // its open transaction (the claim's row locked by the batch's renewal) ends with it
        RunView.Rule afterKill = StoreSweepTest.rule(StoreSweepTest.read(run), "access_logs");
        boolean keyWalk = cursorValue(run) == null;
        List<String> ledgerAfterKill = List.copyOf(store.ledger(run).keySet());
        // The dead sweep's claim on the rule stands until it lapses: a sweep at once leaves the rule alone
        RunView early = store.work(plan, run, StoreSweepTest.BATCH, LedgerSweeps.unlimited(), (rule, n) -> {
        });
        // SQS hands a dead invocation's continuation out again only after its visibility timeout (6 x the
        // function's timeout): by then the claim (the budget's end plus the grace) has lapsed
        Clock redelivered = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(66).plus(SweepEngine.CLAIM_GRACE));
        RunView resumed = store.work(plan, run, StoreSweepTest.BATCH, LedgerSweeps.unlimited(), (rule, n) -> {
        }, redelivered);

        // Assert: the store had committed batch n (tables and ledger row), Himoya had not heard of it, and the
        // resumed run's record is the uninterrupted one's
        assertThat(ledgerAfterKill).contains("retention:access_logs:" + killedAfter);
        assertThat(keyWalk).as("the run walks the primary key").isEqualTo(mostlyExpired);
        assertThat(afterKill).extracting(RunView.Rule::status, RunView.Rule::batches, RunView.Rule::rowsAffected)
                .containsExactly("RUNNING", killedAfter - 1, 3L * (killedAfter - 1));
        assertThat(StoreSweepTest.rule(early, "access_logs")).extracting(RunView.Rule::status, RunView.Rule::batches)
                .containsExactly("RUNNING", killedAfter - 1);
        assertThat(StoreSweepTest.summary(resumed)).isEqualTo(uninterrupted);
        assertThat(resumed.status()).isEqualTo("COMPLETED");
        assertThat(store.count(StoreSweepTest.OLD_LOGS.formatted(store.table("access_logs")), 1003)).isZero();
        assertThat(store.count(StoreSweepTest.OLD_LOGS.formatted(store.table("access_logs")), 1005)).isEqualTo(10);
        assertThat(store.ledger(run)).isEmpty();
    }

    /** Leaves 20 old access logs and 10 live ones of 200 (the statistics analyzed anew). */
    private static void thinLiveLogs(SweepStore store) throws SQLException {
        try (Connection c = store.open(); java.sql.Statement s = c.createStatement()) {
            s.execute("DELETE FROM access_logs WHERE page NOT LIKE '/old/%' AND id % 18 <> 0");
            s.execute("ANALYZE TABLE access_logs");
        }
    }

    /** The run record's cursor value of access_logs (null before a batch, and on a walk by primary key). */
    private static String cursorValue(UUID run) throws SQLException {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT cursor_value FROM retention_run_rule WHERE run_id = ? AND rule = 'access_logs'")) {
            ps.setObject(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static void awaitSessionGone() throws SQLException, InterruptedException {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, CHILD);
            for (int i = 0; i < 300; i++) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the killed sweep's session in Himoya's database did not end");
    }
}
