package uz.himoya.retention;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;
import uz.himoya.crypto.Secrets;
import uz.himoya.db.RowGuard;
import uz.himoya.db.SqlErrors;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.port.SweepRule;

/**
 * Works the open rules of one run, batch by batch, on Himoya's connection (the run record, the locks, the
 * exclusions) and on one connection per app store (the app's rows). Plain JDBC, no CDI: the benchmarks and
 * the crash tests drive this same class.
 *
 * <p>Where a batch commits:
 *
 * <ul>
 * <li>A rule of the privacy map: in the app's store, in ONE store transaction with its ledger row
 * ({@link StoreBatches}: step {@code retention:<rule>:<n>} under the run's id, with the batch's counts and
 * sealed cursor), then in the run record, on Himoya's connection. Himoya's transaction for the batch is
 * opened first and committed last: it reads the exclusions under the app's shared legal-hold lock, which so
 * stays held until the batch is recorded, and a hold placed meanwhile waits for it (HoldStore).</li>
 * <li>Himoya's own rules: the batch and its progress in one transaction of Himoya's database.</li>
 * </ul>
 *
 * A crash loses at most the batch in flight, never half of one: a row is deleted or anonymized whole, with
 * its ledger row, or not at all.
 *
 * <p>Reconcile: before a rule's first batch in an invocation, the ledger rows of this run and rule beyond
 * the batches the run record holds (batch k+1, k+2, ...: left by an invocation that died between the store's
 * commit and Himoya's) are added to the run record, counts and cursor, in order; only then does a new batch
 * run, numbered after them. The run record takes batch n only over batch n-1 ({@link RunStore#progress})
 * and the ledger's key refuses a second row for one step, so no batch is counted twice or lost, whichever
 * commit a crash falls between. A rule is closed (DONE or FAILED) only once its run record holds every batch
 * the ledger has; then its ledger rows are forgotten, after Himoya's commit. A crash before that leaves them
 * to the run's next invocation, which forgets the rows of every finished rule it meets.
 *
 * <p>A claim per (app, rule) in Himoya's database ({@link RuleClaims}), held for as long as the rule is
 * worked, keeps a second sweep off it; the second one marks the rule BUSY in its own run and moves on. The
 * claim lasts until the end of this invocation's budget plus {@link #CLAIM_GRACE}, and every batch moves it
 * on: a crashed sweep's claim lapses by itself (within 20 minutes in Lambda), and no lock outlives a
 * transaction, so RDS Proxy never pins Himoya's connection to one backend for the sweep's sake.
 */
public final class SweepEngine {
    private static final Logger LOG = Logger.getLogger(SweepEngine.class);

    /** DONE: nothing left that this invocation could do. HANDED_ON: the budget ran out with work left. */
    public enum Outcome {
        DONE, HANDED_ON
    }

    /** The database went away (or another outage) mid-run: committed batches stay, the run is resumed later. */
    public static final class Interrupted extends RuntimeException {
        /** No cause attached: a driver's message may quote row values, and this one reaches the logs. */
        Interrupted(String code) {
            super("retention sweep interrupted by an outage (" + code + "); the run resumes from its cursor", null,
                    false, false);
        }
    }

    /** This invocation's claim on a rule lapsed (a batch outlasted it) and another sweep took the rule. */
    private static final class ClaimLapsed extends RuntimeException {
        ClaimLapsed() {
            super("claim lapsed", null, false, false);
        }
    }

    /** Called after a store committed a batch, before Himoya records it: the crash tests kill the JVM here. */
    @FunctionalInterface
    interface StoreCommitted {
        void batch(String rule, int number);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * How long a claim outlasts the budget: a batch started just before the budget's end runs past it (bounded
     * by the store's statement timeout). Should a batch run longer still, a second sweep may join the rule:
     * that repeats work (a row already deleted is not deleted again; exclusions are read per batch), it does
     * not remove anything the rule would not.
     */
    static final Duration CLAIM_GRACE = Duration.ofMinutes(5);

    private final int batchSize;
    private final Clock clock;
    private final Secrets secrets;
    private final StoreBatches ledger;
    private StoreCommitted storeCommitted = (rule, number) -> {
    };
    /** This engine's claims: one engine works one invocation (a new one per sweep or continuation). */
    private final UUID holder = UUID.randomUUID();

    /** secrets seal the cursor's row identity while a rule runs (it may be a subject's key). */
    public SweepEngine(int batchSize, Clock clock, Secrets secrets) {
        this.batchSize = batchSize;
        this.clock = clock;
        this.secrets = secrets;
        this.ledger = new StoreBatches(secrets);
    }

    SweepEngine onStoreCommit(StoreCommitted hook) {
        this.storeCommitted = hook;
        return this;
    }

    /**
     * c: Himoya's connection with auto-commit off (the engine commits each step itself); stores: opens a
     * connection to an app store (closed again when this call ends).
     */
    public Outcome work(Connection c, AppRegistry.StoreOpener stores, UUID runId, Map<String, PlannedRule> rules,
            Exclusions exclusions, Budget budget) throws SQLException {
        try (StoreSessions sessions = new StoreSessions(stores)) {
            return work(c, sessions, runId, rules, exclusions, budget);
        }
    }

    private Outcome work(Connection c, StoreSessions stores, UUID runId, Map<String, PlannedRule> rules,
            Exclusions exclusions, Budget budget) throws SQLException {
        RunView run = RunStore.get(c, runId).orElseThrow();
        c.commit();
        for (RunView.Rule listed : run.rules()) {
            PlannedRule rule = rules.get(listed.rule());
            if (!listed.open()) {
                if (rule != null && (listed.status().equals("DONE") || listed.status().equals("FAILED"))) {
                    forget(stores, run, rule); // an earlier invocation may have died before it could
                }
                continue;
            }
            if (rule == null) { // the map lost the rule between the run's start and now
                Tx.run(c, () -> RunStore.ruleFinished(c, runId, listed.rule(), "FAILED", 0, null, 0, "rule-removed",
                        clock.instant()));
                continue;
            }
            if (!budget.allowsBatch()) {
                return Outcome.HANDED_ON;
            }
            if (!claim(c, run, rule.name(), budget)) {
                continue;
            }
            try {
                if (workRule(c, stores, run, rule, exclusions, budget) == Outcome.HANDED_ON) {
                    return Outcome.HANDED_ON;
                }
            } finally {
                release(c, run, rule.name());
            }
        }
        Tx.run(c, () -> RunStore.finishIfDone(c, runId, clock.instant()));
        return Outcome.DONE;
    }

    /**
     * Takes the rule: the claim tried, the rule's row locked (so two invocations of one run take turns here),
     * and the rule marked RUNNING, in one transaction. False when the rule is finished, or another sweep holds
     * it: a rule this run has not started is then marked BUSY (the other run covers it); one it has started
     * is left as it is (its holder is this run's other invocation, or it resumes later).
     */
    private boolean claim(Connection c, RunView run, String rule, Budget budget) throws SQLException {
        return Tx.call(c, () -> {
            // The claim's row before the rule's, as in every batch (renewal, then progress): two sweeps of one
            // run meeting here and in a batch wait for each other instead of deadlocking.
            Instant now = clock.instant();
            boolean taken = RuleClaims.take(c, run.appId(), rule, run.id(), holder, now, claimEnd(budget));
            String status = RunStore.lockRule(c, run.id(), rule);
            if (!status.equals("PENDING") && !status.equals("RUNNING")) {
                if (taken) {
                    RuleClaims.release(c, run.appId(), rule, holder);
                }
                return false;
            }
            if (!taken) {
                if (status.equals("PENDING")) {
                    RunStore.ruleBusy(c, run.id(), rule, now);
                    LOG.infof("run=%s rule=%s busy: another sweep holds it", run.id(), rule);
                }
                return false;
            }
            RunStore.ruleStarted(c, run.id(), rule, now);
            return true;
        });
    }

    private Instant claimEnd(Budget budget) {
        Duration left = budget.left();
        return clock.instant().plus(left.isNegative() ? Duration.ZERO : left).plus(CLAIM_GRACE);
    }

    private Outcome workRule(Connection c, StoreSessions stores, RunView run, PlannedRule planned,
            Exclusions exclusions, Budget budget) throws SQLException {
        SweepRule rule = planned.rule();
        try {
            boolean ended = planned.store().isPresent() && reconcile(c, stores, run, planned);
            RunStore.Position at = Tx.call(c, () -> RunStore.position(c, run.id(), rule.name()));
            int done = at.batches();
            Optional<SweepRule.Cursor> cursor = at.cursor().map(this::open);
            while (!ended) {
                if (!budget.allowsBatch()) {
                    return Outcome.HANDED_ON;
                }
                SweepRule.Batch b = batch(c, stores, run, planned, exclusions, cursor, ++done, claimEnd(budget));
                budget.spent();
                Optional<SweepRule.Cursor> from = cursor;
                cursor = b.last().or(() -> from);
                ended = b.picked() < batchSize;
            }
            finish(c, stores, run, planned, exclusions);
            return Outcome.DONE;
        } catch (RunStore.OutOfStep e) {
            return leftToAnother(run, rule);
        } catch (ClaimLapsed e) {
            LOG.warnf("run=%s rule=%s: the claim lapsed and another sweep took the rule; leaving it to that one",
                    run.id(), rule.name());
            return Outcome.DONE;
        } catch (RowGuard.Violation e) {
            // The batch is rolled back (in the store by StoreBatches, in Himoya's database by Tx.call): nothing
            // of it stays. The rule and so the run fail, and the guard has logged the alert line ops are paged
            // on. Later sweeps start new runs and meet the guard again until the cause (a trigger, a rule or a
            // schema change on the app's table) is put right.
            return failed(c, stores, run, planned, RowGuard.CODE);
        } catch (SQLException | RuntimeException e) {
            String code = SqlErrors.code(e);
            if (SqlErrors.transientFailure(e)) {
                throw interrupted(c, run, rule, code);
            }
            LOG.warnf("run=%s rule=%s failed: %s", run.id(), rule.name(), code);
            return failed(c, stores, run, planned, code);
        }
    }

    /**
     * Adds to the run record, in order, the batches the store's ledger holds beyond it (an invocation died
     * between the store's commit and Himoya's). True when the last batch recorded ended the rule's walk (it
     * picked fewer rows than its limit), so that a resumed rule closes as an uninterrupted one would, without
     * a batch more.
     */
    private boolean reconcile(Connection c, StoreSessions stores, RunView run, PlannedRule planned)
            throws SQLException {
        PrivacyMap.Store store = planned.store().orElseThrow();
        Connection s = stores.get(store);
        String rule = planned.name();
        int done = Tx.call(c, () -> RunStore.position(c, run.id(), rule)).batches();
        boolean ended = done > 0 && ledger.find(s, store, run.id(), rule, done).map(StoreBatches.Entry::ended)
                .orElse(false);
        Optional<StoreBatches.Entry> found;
        while ((found = ledger.find(s, store, run.id(), rule, done + 1)).isPresent()) {
            StoreBatches.Entry e = found.get();
            int number = ++done;
            Tx.run(c, () -> record(c, run.id(), rule, number, e.affected(), e.cursor(), e.millis()));
            LOG.infof("run=%s rule=%s batch %d: recorded from the store's ledger (%d rows)", run.id(), rule, number,
                    e.affected());
            ended = e.ended();
        }
        return ended;
    }

    /**
     * One batch, numbered number. Himoya's transaction is opened by the exclusions' read and committed after
     * the store's commit (see the class comment); for Himoya's own rules the batch runs inside it.
     */
    private SweepRule.Batch batch(Connection c, StoreSessions stores, RunView run, PlannedRule planned,
            Exclusions exclusions, Optional<SweepRule.Cursor> from, int number, Instant claimUntil)
            throws SQLException {
        long started = System.nanoTime();
        SweepRule rule = planned.rule();
        return Tx.call(c, () -> {
            if (!RuleClaims.renew(c, run.appId(), rule.name(), holder, claimUntil)) {
                throw new ClaimLapsed();
            }
            SweepRule.Scope scope = scope(c, stores, run, rule, exclusions);
            if (planned.store().isEmpty()) {
                SweepRule.Batch b = rule.batch(c, scope, from, batchSize);
                record(c, run.id(), rule.name(), number, b.affected(), b.last(), millisSince(started));
                return b;
            }
            PrivacyMap.Store store = planned.store().get();
            StoreBatches.Entry e = ledger.run(stores.get(store), store, run.id(), rule, scope, from, batchSize, number,
                    started);
            // The store's ledger, committed durably with the batch, is the truth about it: should Himoya's
            // database lose this commit in a crash of its own, the run's next invocation takes the batch from
            // the ledger again. So this commit need not wait for its WAL flush (a later durable commit, the
            // rule's end, flushes it anyway): one disk flush per batch instead of two.
            asynchronousCommit(c);
            storeCommitted.batch(rule.name(), number);
            record(c, run.id(), rule.name(), number, e.affected(), e.cursor(), e.millis());
            return new SweepRule.Batch(e.picked(), e.affected(), e.cursor());
        });
    }

    private static void asynchronousCommit(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL synchronous_commit TO OFF");
        }
    }

    private void record(Connection c, UUID run, String rule, int number, long affected,
            Optional<SweepRule.Cursor> cursor, long millis) throws SQLException {
        RunStore.progress(c, run, rule, number, affected, cursor.map(SweepRule.Cursor::value).orElse(null),
                cursor.map(this::seal).orElse(null), millis);
    }

    /** Counts what the exclusions kept back (only when there are any), closes the rule, forgets its ledger rows. */
    private void finish(Connection c, StoreSessions stores, RunView run, PlannedRule planned, Exclusions exclusions)
            throws SQLException {
        long started = System.nanoTime();
        SweepRule rule = planned.rule();
        Tx.run(c, () -> {
            SweepRule.Scope scope = scope(c, stores, run, rule, exclusions);
            long skipped = scope.excludedKeys().isEmpty() ? 0 : rule.count(stores.forRule(planned, c), scope)
                    .excluded();
            RunStore.ruleFinished(c, run.id(), rule.name(), "DONE", skipped, null, millisSince(started), null,
                    clock.instant());
        });
        forget(stores, run, planned);
    }

    /**
     * Closes a rule as FAILED, once the run record holds every batch the store committed: a failure after a
     * store's commit (Himoya's write refused) must not lose that batch's counts. If the ledger cannot be read,
     * the rule stays open instead (an outage), and the next invocation reconciles it.
     */
    private Outcome failed(Connection c, StoreSessions stores, RunView run, PlannedRule planned, String code)
            throws SQLException {
        if (planned.store().isPresent()) {
            try {
                reconcile(c, stores, run, planned);
            } catch (RunStore.OutOfStep e) {
                return leftToAnother(run, planned.rule());
            } catch (SQLException | RuntimeException e) {
                throw interrupted(c, run, planned.rule(), SqlErrors.code(e));
            }
        }
        Tx.run(c, () -> RunStore.ruleFinished(c, run.id(), planned.name(), "FAILED", 0, null, 0, code,
                clock.instant()));
        forget(stores, run, planned);
        return Outcome.DONE;
    }

    private Interrupted interrupted(Connection c, RunView run, SweepRule rule, String code) {
        LOG.warnf("run=%s rule=%s interrupted: %s", run.id(), rule.name(), code);
        Tx.tryRun(c, () -> RunStore.ruleInterrupted(c, run.id(), rule.name(), code));
        return new Interrupted(code);
    }

    /**
     * Another invocation of this run recorded a batch of the rule first (it holds the rule now, or did): the
     * ledger and the run record refused to count it twice, and this invocation leaves the rule alone.
     */
    private static Outcome leftToAnother(RunView run, SweepRule rule) {
        LOG.warnf("run=%s rule=%s: another invocation of the run recorded the batch first; leaving the rule to it",
                run.id(), rule.name());
        return Outcome.DONE;
    }

    /** Drops a finished rule's ledger rows in its store; best effort (a failure keeps rows, never loses counts). */
    private void forget(StoreSessions stores, RunView run, PlannedRule rule) {
        if (rule.store().isEmpty()) {
            return;
        }
        try {
            ledger.forget(stores.get(rule.store().get()), rule.store().get(), run.id(), rule.name());
        } catch (SQLException | RuntimeException e) {
            LOG.infof("run=%s rule=%s: ledger rows kept in the store (%s)", run.id(), rule.name(), SqlErrors.code(e));
        }
    }

    private byte[] seal(SweepRule.Cursor cursor) {
        try {
            return secrets.encrypt(JSON.writeValueAsString(cursor.key()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cursor not writable");
        }
    }

    private SweepRule.Cursor open(RunStore.StoredCursor stored) {
        try {
            List<String> key = JSON.readValue(secrets.decrypt(stored.sealedKey()), new TypeReference<List<String>>() {
            });
            return new SweepRule.Cursor(stored.value(), key);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored cursor not readable");
        }
    }

    /** What a batch of the rule may touch: the exclusions (Himoya's records, read on c) if its rows are subjects'. */
    static SweepRule.Scope scope(Connection c, StoreSessions stores, RunView run, SweepRule rule,
            Exclusions exclusions) throws SQLException {
        return new SweepRule.Scope(run.appId(), run.asOf(),
                rule.subjectRows() ? exclusions.keys(c, stores) : List.of());
    }

    /** On a broken connection the claim stays until it lapses; nothing more to undo then. */
    private void release(Connection c, RunView run, String rule) {
        Tx.tryRun(c, () -> RuleClaims.release(c, run.appId(), rule, holder));
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
