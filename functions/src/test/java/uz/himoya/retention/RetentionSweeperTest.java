package uz.himoya.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static uz.himoya.testing.Himoya.count;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import uz.himoya.crypto.Secrets;
import uz.himoya.deletion.DeletionService;
import uz.himoya.deletion.IntakeCommand;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.EmbeddedDatabase;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;
import uz.himoya.testing.TestClock;

/** The sweep service against the real database: exclusions, locks, dry runs and Himoya's own tables. */
@QuarkusTest
@TestProfile(RetentionSweepProfile.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(RetentionQueueResource.class)
class RetentionSweeperTest {
    static final SweepOptions DEMO = new SweepOptions(Optional.of("demo"), List.of(), false, Optional.empty());
    static final String OLD_LOGS = "SELECT count(*) FROM demo_app.access_logs WHERE accessed_at < now() - interval"
            + " '90 days' AND user_id = ?";

    @Inject
    RetentionSweeper sweeper;
    @Inject
    LegalHolds holds;
    @Inject
    DeletionService intake;
    @Inject
    TestClock clock;
    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void reset() {
        Sweeps.reset();
        clock.reset();
    }

    @AfterEach
    void cleanUp() {
        clock.reset();
    }

    @Test
    void shouldSkipHeldSubjectAndCountIt_untilTheHoldIsLifted() {
        // Arrange: a tax audit holds John (1005)
        HoldView hold = holds.place("demo", new HoldCommand(Optional.of("1005"), Optional.empty(),
                "Tax audit 2026-17"));

        // Act
        RunView run = sweeper.sweep(DEMO, "schedule").runs().get(0);

        // Assert: John's old logs stay and the run record says how many were skipped; Anna's are gone
        assertThat(rule(run, "access_logs")).extracting(RunView.Rule::rowsAffected, RunView.Rule::skippedHeld)
                .containsExactly(10L, 10L);
        assertThat(DemoStore.count(OLD_LOGS, 1005)).isEqualTo(10);
        assertThat(DemoStore.count(OLD_LOGS, 1003)).isZero();
        assertThat(Himoya.dumpHimoyaTables() + Sweeps.strings("SELECT encode(subject_key, 'escape') FROM legal_hold"))
                .doesNotContain("john@demo.example");

        // Act 2: the hold ends; the next sweep takes what it kept back
        holds.lift("demo", hold.id(), Optional.of("audit closed"));
        RunView after = sweeper.sweep(DEMO, "schedule").runs().get(0);

        assertThat(rule(after, "access_logs").rowsAffected()).isEqualTo(10);
        assertThat(DemoStore.count(OLD_LOGS, 1005)).isZero();
        assertThat(count("SELECT count(*) FROM legal_hold WHERE subject_key IS NULL AND lifted_at IS NOT NULL"))
                .isEqualTo(1);
    }

    @Test
    void shouldLeaveSubjectOfOpenDeletionRequestToTheErasure_whenSweeping() {
        // Anna (1003) asked for deletion by e-mail and has not confirmed yet
        intake.submit("demo", new IntakeCommand(Optional.empty(), Optional.of("anna@demo.example"), Optional.empty(),
                false, Optional.empty(), Secrets.sha256("anna")));

        RunView run = sweeper.sweep(DEMO, "schedule").runs().get(0);

        // Her account is not anonymized (the request finds her by that e-mail), nor her logs and sessions taken
        assertThat(rule(run, "users")).extracting(RunView.Rule::rowsAffected, RunView.Rule::skippedHeld)
                .containsExactly(0L, 1L);
        assertThat(rule(run, "sessions")).extracting(RunView.Rule::rowsAffected, RunView.Rule::skippedHeld)
                .containsExactly(0L, 2L);
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE email = 'anna@demo.example'")).isEqualTo(1);
        assertThat(DemoStore.count(OLD_LOGS, 1003)).isEqualTo(10);
        assertThat(DemoStore.count(OLD_LOGS, 1005)).isZero();
    }

    @Test
    void shouldMarkRuleBusyAndLeaveIt_whenAnotherSweepHoldsItsClaim() throws Exception {
        // Arrange: another sweep works access_logs, its claim good for ten more minutes
        claimAccessLogsFor(Duration.ofMinutes(10));

        RunView run = sweeper.sweep(DEMO, "schedule").runs().get(0);

        assertThat(rule(run, "access_logs").status()).isEqualTo("BUSY");
        assertThat(rule(run, "access_logs").batches()).isZero();
        assertThat(rule(run, "sessions").rowsAffected()).isEqualTo(2);
        assertThat(run.status()).isEqualTo("COMPLETED");
        assertThat(DemoStore.count(OLD_LOGS, 1003) + DemoStore.count(OLD_LOGS, 1005)).isEqualTo(20);
        // The holder died and its claim lapsed: the next sweep takes the rule and gives the claim up at its end
        clock.advance(Duration.ofMinutes(11));
        assertThat(rule(sweeper.sweep(DEMO, "schedule").runs().get(0), "access_logs").rowsAffected()).isEqualTo(20);
        assertThat(count("SELECT count(*) FROM retention_rule_claim")).isZero();
    }

    @Test
    void shouldHoldNoLockOrPreparedStatementBetweenTransactions_soThatRdsProxyNeedNotPin() throws Exception {
        // A sweep's claims live in a table, not in its session (SessionLockFreeTest keeps session-level lock
        // functions out of the code), and the driver never prepares a statement on the server
        // (prepareThreshold=0): a reused statement runs as an unnamed one, which RDS Proxy does not pin on
        assertThat(sweeper.sweep(DEMO, "schedule").runs().get(0).status()).isEqualTo("COMPLETED");
        assertThat(count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).isZero();
        try (Connection c = dataSource.getConnection()) { // the functions' own pool, configured as in production
            for (int i = 0; i < 10; i++) {
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM retention_run WHERE app_id = ?")) {
                    ps.setString(1, "demo");
                    ps.executeQuery().close();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_prepared_statements");
                    var rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
    }

    @Test
    void shouldPurgeTheAddressesOfAnIncidentLeftCollecting_andDropCompletedRecordsPastTheirRetention() {
        // Arrange: incidents left collecting for 31 days and for 1 day, completed 6 years and 400 days ago
        breachIncident(1, "COLLECTING", "31 days", "PENDING");
        breachIncident(2, "COLLECTING", "1 day", "PENDING");
        breachIncident(3, "COMPLETED", "6 years", "SENT");
        breachIncident(4, "COMPLETED", "400 days", "SENT");

        // Act
        RunView run = sweeper.sweep(new SweepOptions(Optional.of("demo"), List.of("himoya:breach-addresses",
                "himoya:breach-notices", "himoya:breach-incidents"), false, Optional.empty()), "ops").runs().get(0);

        // Assert: the stale incident's addresses are gone and its notices will not be sent; the fresh one waits
        assertThat(run.rules()).extracting(RunView.Rule::status).containsOnly("DONE");
        assertThat(count("SELECT count(*) FROM breach_notice WHERE incident_id = ?::uuid AND status = 'FAILED'"
                + " AND last_error = 'address-purged' AND sealed_address IS NULL AND address IS NULL", incidentId(1)))
                .isEqualTo(2);
        assertThat(count("SELECT count(*) FROM breach_notice WHERE incident_id = ?::uuid AND status = 'PENDING'"
                + " AND sealed_address IS NOT NULL", incidentId(2))).isEqualTo(2);
        // the record of who was told when goes after five years, and only then
        assertThat(Sweeps.strings("SELECT title FROM breach_incident ORDER BY title")).containsExactly("incident 1",
                "incident 2", "incident 4");
        assertThat(count("SELECT count(*) FROM breach_notice WHERE incident_id = ?::uuid", incidentId(3))).isZero();
        assertThat(count("SELECT count(*) FROM breach_notice WHERE incident_id = ?::uuid", incidentId(4)))
                .isEqualTo(2);
        assertThat(rule(run, "himoya:breach-addresses").rowsAffected()).isEqualTo(2);
        assertThat(rule(run, "himoya:breach-incidents").rowsAffected()).isEqualTo(1);
    }

    private static String incidentId(int n) {
        return "00000000-0000-0000-0000-00000000000" + n;
    }

    /** An incident of demo registered (and, if completed, completed) that long ago, with two notices. */
    private static void breachIncident(int n, String status, String ago, String noticeStatus) {
        boolean completed = status.equals("COMPLETED");
        Himoya.sql("INSERT INTO breach_incident (id, app_id, title, discovered_at, window_from, window_to,"
                + " categories, content, selection, status, registered_at, completed_at) VALUES ('" + incidentId(n)
                + "', 'demo', 'incident " + n + "', now() - interval '" + ago + "', now() - interval '" + ago
                + "', now() - interval '" + ago + "', '[]', '{}', '{}', '" + status + "', now() - interval '" + ago
                + "', " + (completed ? "now() - interval '" + ago + "'" : "NULL") + ")");
        for (int seq = 1; seq <= 2; seq++) {
            Himoya.sql("INSERT INTO breach_notice (incident_id, seq, subject_hash, sealed_address, address_hash,"
                    + " locale, status, sent_at) VALUES ('" + incidentId(n) + "', " + seq + ", '\\x0" + seq + "', "
                    + (completed ? "NULL" : "'\\x0102'") + ", '\\x0" + seq + "', 'uz', '" + noticeStatus + "', "
                    + (completed ? "now() - interval '" + ago + "'" : "NULL") + ")");
        }
    }

    private void claimAccessLogsFor(Duration left) {
        Himoya.sql("INSERT INTO retention_rule_claim VALUES ('demo', 'access_logs', gen_random_uuid(),"
                + " gen_random_uuid(), '" + clock.instant().plus(left) + "')");
    }

    @RepeatedTest(5)
    void shouldNotBothWorkARule_whenTwoSweepsStartAtOnce() throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        Callable<SweepReport> sweep = () -> {
            start.await(10, TimeUnit.SECONDS);
            return sweeper.sweep(DEMO, "schedule");
        };
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Future<SweepReport> a = two.submit(sweep);
            Future<SweepReport> b = two.submit(sweep);
            a.get(60, TimeUnit.SECONDS);
            b.get(60, TimeUnit.SECONDS);
        } finally {
            two.shutdownNow();
        }

        // Every rule was worked once in all: the batches add up to one sweep's, nothing failed
        assertThat(Sweeps.strings("SELECT rule || '=' || sum(rows_affected) || '/' || sum(batches) FROM"
                + " retention_run_rule WHERE rule IN ('access_logs', 'sessions', 'users') GROUP BY rule ORDER BY rule"))
                .containsExactly("access_logs=20/6", "sessions=2/1", "users=1/1");
        assertThat(count("SELECT count(*) FROM retention_run_rule WHERE status NOT IN ('DONE', 'BUSY')")).isZero();
        assertThat(DemoStore.count(OLD_LOGS, 1003) + DemoStore.count(OLD_LOGS, 1005)).isZero();
    }

    @Test
    void shouldCountAndChangeNothing_whenDryRun() {
        long before = Sweeps.snapshot();

        RunView run = sweeper.sweep(new SweepOptions(Optional.of("demo"), List.of(), true, Optional.empty()), "ops")
                .runs().get(0);

        assertThat(run.dryRun()).isTrue();
        assertThat(run.status()).isEqualTo("COMPLETED");
        assertThat(rule(run, "access_logs").wouldAffect()).isEqualTo(20);
        assertThat(rule(run, "sessions").wouldAffect()).isEqualTo(2);
        assertThat(rule(run, "users").wouldAffect()).isEqualTo(1);
        assertThat(run.rules()).allSatisfy(r -> assertThat(r.rowsAffected()).isZero());
        assertThat(Sweeps.snapshot()).isEqualTo(before);
    }

    @Test
    void shouldExpireUnverifiedRequestsAndPurgeHimoyasOwnRecords_whenTheirTimeIsUp() {
        // Arrange: an unconfirmed request; old and fresh idempotency records
        String id = intake.submit("demo", new IntakeCommand(Optional.of("1002"), Optional.empty(), Optional.empty(),
                false, Optional.empty(), Secrets.sha256("1002"))).view().id().toString();
        Himoya.sql("UPDATE deletion_request SET token_hash = sha256('link'::bytea) WHERE id = '" + id + "'"); // mailed
        Himoya.sql("INSERT INTO idempotency_record VALUES ('demo', 'old', '\\x00', 202, '{}', now() - interval '2 days'),"
                + " ('demo', 'fresh', '\\x00', 202, '{}', now() + interval '8 days' - interval '1 hour')");
        clock.advance(Duration.ofDays(8)); // the 7-day link has lapsed

        // Act: only Himoya's own rules
        RunView run = sweeper.sweep(new SweepOptions(Optional.of("demo"), List.of("himoya:unverified-requests",
                "himoya:idempotency-records", "himoya:intake-rate"), false, Optional.empty()), "ops").runs().get(0);

        // Assert: EXPIRED with every identifier of the subject purged, as when a lapsed request is read
        assertThat(run.partial()).isTrue();
        assertThat(run.rules()).extracting(RunView.Rule::rule).containsExactly("himoya:unverified-requests",
                "himoya:idempotency-records", "himoya:intake-rate");
        assertThat(count("SELECT count(*) FROM deletion_request WHERE id = ?::uuid AND status = 'EXPIRED' AND"
                + " subject_ref IS NULL AND mail_pending IS NULL AND expired_at IS NOT NULL", id)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM audit_event WHERE event = 'expired' AND detail = 'retention-sweep'"))
                .isEqualTo(1);
        assertThat(run.rules()).extracting(RunView.Rule::status).containsOnly("DONE");
        assertThat(Sweeps.strings("SELECT idem_key FROM idempotency_record")).containsExactly("fresh");
        assertThat(count("SELECT count(*) FROM intake_rate")).isZero();
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.access_logs")).isEqualTo(200); // not asked for

        // The link's hash (it identifies nobody) stays for himoya.intake.link-memory, so the link keeps
        // answering 410 with the expired page (issue 10); himoya:expired-tokens drops it after that.
        SweepOptions tokens = new SweepOptions(Optional.of("demo"), List.of("himoya:expired-tokens"), false,
                Optional.empty());
        sweeper.sweep(tokens, "ops");
        assertThat(count("SELECT count(*) FROM deletion_request WHERE id = ?::uuid AND token_hash IS NOT NULL", id))
                .isEqualTo(1);
        clock.advance(Duration.ofDays(31));
        sweeper.sweep(tokens, "ops");
        assertThat(count("SELECT count(*) FROM deletion_request WHERE id = ?::uuid AND token_hash IS NULL", id))
                .isEqualTo(1);
    }

    private static RunView.Rule rule(RunView run, String name) {
        return run.rules().stream().filter(r -> r.rule().equals(name)).findFirst().orElseThrow();
    }
}
