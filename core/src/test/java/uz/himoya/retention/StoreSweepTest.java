package uz.himoya.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.SweepRule;
import uz.himoya.testing.EmbeddedDatabase;

/**
 * Issue 11, parts 4 and 5: the sweep of an app whose data lives in a store of its own (a second embedded
 * PostgreSQL server, or MariaDB), while the run record, holds and requests live in Himoya's database. Each
 * batch commits in the store with its ledger row, then in the run record; exclusions are computed from
 * Himoya's records and handed to the store as values; an invocation that stopped between the two commits is
 * reconciled from the ledger, so the run record ends as an uninterrupted run's.
 */
class StoreSweepTest {
    static final int BATCH = 3;
    static final String OLD_LOGS = "SELECT count(*) FROM %s WHERE page LIKE '/old/%%' AND user_id = ?";

    @BeforeEach
    void himoya() {
        SweepStore.resetHimoya();
    }

    static SweepStore store(String kind) {
        SweepStore store = kind.equals("POSTGRESQL") ? SweepStore.postgres() : SweepStore.mariadb();
        store.load();
        return store;
    }

    @ParameterizedTest
    @ValueSource(strings = {"POSTGRESQL", "MARIADB"})
    void shouldChangeTheStoresRowsAndRecordEachBatchInItsLedgerFirst_whenSweeping(String kind) throws Exception {
        // Arrange: John (1005) is under a legal hold, kept in Himoya's database only
        SweepStore store = store(kind);
        SweepStore.hold("1005");
        SweepStore.Plan plan = store.plan();
        UUID run = SweepStore.newRun(plan, false, Instant.now());
        long oldLogs = oldLogs(store);
        List<String> atStoreCommit = new ArrayList<>();

        // Act: at every store commit, look at what the store and Himoya's run record hold at that moment
        RunView done = store.work(plan, run, BATCH, LedgerSweeps.unlimited(), (rule, n) -> {
            String counts = store.ledger(run).get(StoreBatches.step(rule, n));
            long recorded = rule(read(run), rule).batches();
            atStoreCommit.add(rule + ":" + n + " recorded=" + recorded + " " + counts);
        });

        // Assert: Anna's old logs gone from the store, John's kept and counted; each ledger row was committed
        // before Himoya recorded its batch, held no personal data, and is forgotten now that the rules ended
        assertThat(done.status()).isEqualTo("COMPLETED");
        assertThat(summary(done)).containsExactly("access_logs DONE rows=10 held=10 batches=4",
                "sessions DONE rows=2 held=0 batches=1", "users DONE rows=1 held=0 batches=1",
                "himoya:idempotency-records DONE rows=1 held=0 batches=1");
        assertThat(store.count(OLD_LOGS.formatted(store.table("access_logs")), 1003)).isZero();
        assertThat(store.count(OLD_LOGS.formatted(store.table("access_logs")), 1005)).isEqualTo(10);
        assertThat(oldLogs).isEqualTo(20);
        assertThat(atStoreCommit).hasSize(6).allSatisfy(line -> assertThat(line).matches(
                "[a-z_]+:(\\d) recorded=\\d \\{\"picked\":\\d,\"affected\":\\d,\"limit\":3,\"ms\":\\d+"
                        + "(,\"cursor\":\"[A-Za-z0-9+/=]+\")?}"));
        assertThat(atStoreCommit).filteredOn(l -> l.startsWith("access_logs:")).extracting(l -> l.substring(0,
                l.indexOf(" {"))).containsExactly("access_logs:1 recorded=0", "access_logs:2 recorded=1",
                        "access_logs:3 recorded=2", "access_logs:4 recorded=3");
        assertThat(String.join(" ", atStoreCommit)).doesNotContain("1003", "1005", "anna", "@");
        assertThat(store.ledger(run)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POSTGRESQL", "MARIADB"})
    void shouldLeaveTheSubjectOfAnOpenRequestAlone_whenOnlyTheStoreKnowsTheirEmail(String kind) throws Exception {
        // Arrange: Anna's address exists in the app's store only; her request names her by it
        SweepStore store = store(kind);
        store.exec("UPDATE " + store.table("users") + " SET email = 'anna@store.example' WHERE id = 1003");
        SweepStore.openRequestByEmail("anna@store.example");
        SweepStore.Plan plan = store.plan();

        // Act
        RunView done = store.work(plan, SweepStore.newRun(plan, false, Instant.now()), BATCH,
                LedgerSweeps.unlimited(), (rule, n) -> {
                });

        // Assert: the request was resolved in the store, and her rows were left to the erasure
        assertThat(summary(done)).contains("users DONE rows=0 held=1 batches=1",
                "access_logs DONE rows=10 held=10 batches=4", "sessions DONE rows=0 held=2 batches=1");
        assertThat(store.count(OLD_LOGS.formatted(store.table("access_logs")), 1003)).isEqualTo(10);
        assertThat(store.count(OLD_LOGS.formatted(store.table("access_logs")), 1005)).isZero();
        assertThat(store.count("SELECT count(*) FROM " + store.table("users")
                + " WHERE email = 'anna@store.example'")).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"POSTGRESQL", "MARIADB"})
    void shouldCountInTheStoreAndChangeNothing_whenDryRun(String kind) throws Exception {
        // Arrange
        SweepStore store = store(kind);
        SweepStore.hold("1005");
        SweepStore.Plan plan = store.plan();
        long before = oldLogs(store);

        // Act
        RunView dry = store.work(plan, SweepStore.newRun(plan, true, Instant.now()), BATCH, LedgerSweeps.unlimited(),
                (rule, n) -> {
                });

        // Assert
        assertThat(dry.status()).isEqualTo("COMPLETED");
        assertThat(dry.rules()).extracting(r -> r.rule() + " would=" + r.wouldAffect() + " held=" + r.skippedHeld())
                .containsExactly("access_logs would=10 held=10", "sessions would=2 held=0", "users would=1 held=0",
                        "himoya:idempotency-records would=1 held=0");
        assertThat(oldLogs(store)).isEqualTo(before);
        assertThat(store.ledger(dry.id())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POSTGRESQL", "MARIADB"})
    void shouldEndAsAnUninterruptedRun_whenAnInvocationStoppedBetweenTheStoresCommitAndHimoyas(String kind)
            throws Exception {
        // Arrange: what an uninterrupted run records
        SweepStore store = store(kind);
        SweepStore.hold("1005");
        List<String> uninterrupted = summary(store.work(store.plan(), SweepStore.newRun(store.plan(), false,
                Instant.now()), BATCH, LedgerSweeps.unlimited(), (rule, n) -> {
                }));
        store.load();
        SweepStore.resetHimoya();
        SweepStore.hold("1005");
        SweepStore.Plan plan = store.plan();
        UUID run = SweepStore.newRun(plan, false, Instant.now());

        // Act: Himoya's database goes away right after the store committed batch 2 of access_logs
        assertThatThrownBy(() -> store.work(plan, run, BATCH, LedgerSweeps.unlimited(), (rule, n) -> {
            if (rule.equals("access_logs") && n == 2) {
                throw new IllegalStateException(new SQLException("connection lost", "08006"));
            }
        })).isInstanceOf(SweepEngine.Interrupted.class);
        RunView.Rule between = rule(read(run), "access_logs");
        List<String> ledgerBetween = List.copyOf(store.ledger(run).keySet());
        RunView resumed = store.work(plan, run, BATCH, LedgerSweeps.unlimited(), (rule, n) -> {
        });

        // Assert: batch 2 was in the store's ledger only; the resumed run took it from there, not again
        assertThat(between).extracting(RunView.Rule::status, RunView.Rule::rowsAffected, RunView.Rule::batches)
                .containsExactly("RUNNING", 3L, 1);
        assertThat(ledgerBetween).containsExactly("retention:access_logs:1", "retention:access_logs:2");
        assertThat(summary(resumed)).isEqualTo(uninterrupted);
        assertThat(resumed.status()).isEqualTo("COMPLETED");
        assertThat(store.count(OLD_LOGS.formatted(store.table("access_logs")), 1003)).isZero();
        assertThat(store.ledger(run)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POSTGRESQL", "MARIADB"})
    void shouldFailTheRuleWithTheStoresCounts_whenHimoyaRefusesToRecordACommittedBatch(String kind)
            throws Exception {
        // Arrange
        SweepStore store = store(kind);
        SweepStore.hold("1005");
        SweepStore.Plan plan = store.plan();
        UUID run = SweepStore.newRun(plan, false, Instant.now());

        // Act: a failure that is no outage, after the store's commit of access_logs batch 2
        RunView done = store.work(plan, run, BATCH, LedgerSweeps.unlimited(), (rule, n) -> {
            if (rule.equals("access_logs") && n == 2) {
                throw new IllegalStateException("refused");
            }
        });

        // Assert: the failed rule still counts the 6 rows the store removed; the others went on
        assertThat(rule(done, "access_logs")).extracting(RunView.Rule::status, RunView.Rule::rowsAffected,
                RunView.Rule::batches, RunView.Rule::error).containsExactly("FAILED", 6L, 2, "IllegalStateException");
        assertThat(store.count(OLD_LOGS.formatted(store.table("access_logs")), 1003)).isEqualTo(4);
        assertThat(rule(done, "sessions").status()).isEqualTo("DONE");
        assertThat(done.status()).isEqualTo("FAILED");
        assertThat(store.ledger(run)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POSTGRESQL", "MARIADB"})
    void shouldRollTheBatchBack_whenTheLedgerHasTheBatchAlready(String kind) throws Exception {
        // Arrange: another invocation of the run committed access_logs batch 1 in the store
        SweepStore store = store(kind);
        SweepStore.Plan plan = store.plan();
        UUID run = SweepStore.newRun(plan, false, Instant.now());
        PlannedRule logs = plan.rules().get("access_logs");
        PrivacyMap.Store shop = logs.store().orElseThrow();
        SweepRule.Scope scope = new SweepRule.Scope("demo", Instant.now(), List.of());
        StoreBatches batches = new StoreBatches(SweepStore.SECRETS);
        try (Connection s = store.open()) {
            batches.run(s, shop, run, logs.rule(), scope, Optional.empty(), BATCH, 1, System.nanoTime());
            long left = oldLogs(store);

            // Act
            assertThatThrownBy(() -> batches.run(s, shop, run, logs.rule(), scope, Optional.empty(), BATCH, 1,
                    System.nanoTime())).isInstanceOf(RunStore.OutOfStep.class);

            // Assert: the second batch's changes went with its refused ledger row
            assertThat(oldLogs(store)).isEqualTo(left).isEqualTo(17);
            assertThat(s.getAutoCommit()).isTrue();
        }
        assertThat(store.ledger(run)).containsOnlyKeys("retention:access_logs:1");
    }

    @org.junit.jupiter.api.Test
    void shouldRefuseToRecordABatchTwice_whenTheRunRecordHasItAlready() throws Exception {
        // Arrange
        SweepStore store = store("POSTGRESQL");
        SweepStore.Plan plan = store.plan();
        UUID run = SweepStore.newRun(plan, false, Instant.now());
        try (Connection c = EmbeddedDatabase.dataSource().getConnection()) {
            RunStore.progress(c, run, "access_logs", 1, 3, null, null, 5);

            // Act + Assert: batch 1 again, and batch 3 before batch 2, are both refused
            assertThatThrownBy(() -> RunStore.progress(c, run, "access_logs", 1, 3, null, null, 5))
                    .isInstanceOf(RunStore.OutOfStep.class);
            assertThatThrownBy(() -> RunStore.progress(c, run, "access_logs", 3, 3, null, null, 5))
                    .isInstanceOf(RunStore.OutOfStep.class);
        }
        assertThat(rule(read(run), "access_logs")).extracting(RunView.Rule::rowsAffected, RunView.Rule::batches)
                .containsExactly(3L, 1);
    }

    static long oldLogs(SweepStore store) {
        return store.count("SELECT count(*) FROM " + store.table("access_logs") + " WHERE page LIKE '/old/%'");
    }

    static RunView read(UUID run) {
        try (Connection c = EmbeddedDatabase.dataSource().getConnection()) {
            return RunStore.get(c, run).orElseThrow();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static RunView.Rule rule(RunView run, String name) {
        return LedgerSweeps.rule(run, name);
    }

    /** What a run record says per rule, without times and dates (the data is reloaded between runs). */
    static List<String> summary(RunView run) {
        return run.rules().stream().map(r -> r.rule() + " " + r.status() + " rows=" + r.rowsAffected() + " held="
                + r.skippedHeld() + " batches=" + r.batches()).toList();
    }
}
