package uz.himoya.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;
import uz.himoya.crypto.Secrets;
import uz.himoya.db.RowGuard;
import uz.himoya.db.SqlErrors;

/**
 * Works the open rules of one run on one dedicated connection, batch by batch, each batch its own
 * transaction that also records the batch's rows and cursor: a crash loses at most the batch in flight, and
 * never half of one (a row is deleted or anonymized whole, with its run record, or not at all). Plain JDBC,
 * no CDI: the benchmark drives this same class.
 *
 * <p>A session-level advisory lock per (app, rule), held on this connection for as long as the rule is
 * worked, keeps a second sweep off it; the second one marks the rule BUSY in its own run and moves on. A
 * crashed sweep's lock goes with its connection.
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

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int batchSize;
    private final Clock clock;
    private final Secrets secrets;

    /** secrets seal the cursor's row identity while a rule runs (it may be a subject's key). */
    public SweepEngine(int batchSize, Clock clock, Secrets secrets) {
        this.batchSize = batchSize;
        this.clock = clock;
        this.secrets = secrets;
    }

    /** c must have auto-commit off; the engine commits each step itself. */
    public Outcome work(Connection c, UUID runId, Map<String, SweepRule> rules, Exclusions exclusions, Budget budget)
            throws SQLException {
        RunView run = RunStore.get(c, runId).orElseThrow();
        c.commit();
        for (RunView.Rule listed : run.rules()) {
            if (!listed.open()) {
                continue;
            }
            SweepRule rule = rules.get(listed.rule());
            if (rule == null) { // the map lost the rule between the run's start and now
                Tx.run(c, () -> RunStore.ruleFinished(c, runId, listed.rule(), "FAILED", 0, null, 0, "rule-removed",
                        clock.instant()));
                continue;
            }
            if (!budget.allowsBatch()) {
                return Outcome.HANDED_ON;
            }
            String lock = "retention-rule:" + run.appId() + ":" + rule.name();
            if (!claim(c, runId, rule.name(), lock)) {
                continue;
            }
            try {
                if (workRule(c, run, rule, exclusions, budget) == Outcome.HANDED_ON) {
                    return Outcome.HANDED_ON;
                }
            } finally {
                unlock(c, lock);
            }
        }
        Tx.run(c, () -> RunStore.finishIfDone(c, runId, clock.instant()));
        return Outcome.DONE;
    }

    /**
     * Takes the rule: its row locked (so two invocations of one run take turns here), the advisory lock
     * tried, and the rule marked RUNNING, in one transaction. False when the rule is finished, or another
     * sweep holds it: a rule this run has not started is then marked BUSY (the other run covers it); one it
     * has started is left as it is (its holder is this run's other invocation, or it resumes later).
     */
    private boolean claim(Connection c, UUID runId, String rule, String lock) throws SQLException {
        try {
            return Tx.call(c, () -> {
                String status = RunStore.lockRule(c, runId, rule);
                if (!status.equals("PENDING") && !status.equals("RUNNING")) {
                    return false;
                }
                if (!advisory(c, "pg_try_advisory_lock", lock)) {
                    if (status.equals("PENDING")) {
                        RunStore.ruleBusy(c, runId, rule, clock.instant());
                        LOG.infof("run=%s rule=%s busy: another sweep holds it", runId, rule);
                    }
                    return false;
                }
                RunStore.ruleStarted(c, runId, rule, clock.instant());
                return true;
            });
        } catch (SQLException | RuntimeException e) {
            unlock(c, lock); // taken in a transaction that rolled back: a session lock survives the rollback
            throw e;
        }
    }

    private Outcome workRule(Connection c, RunView run, SweepRule rule, Exclusions exclusions, Budget budget)
            throws SQLException {
        try {
            Optional<SweepRule.Cursor> cursor = Tx.call(c, () -> RunStore.cursor(c, run.id(), rule.name()))
                    .map(this::open);
            while (true) {
                if (!budget.allowsBatch()) {
                    return Outcome.HANDED_ON;
                }
                long started = System.nanoTime();
                Optional<SweepRule.Cursor> from = cursor;
                SweepRule.Batch b = Tx.call(c, () -> {
                    SweepRule.Batch done = rule.batch(c, scope(c, run, rule, exclusions), from, batchSize);
                    RunStore.progress(c, run.id(), rule.name(), done, done.last().map(this::seal).orElse(null),
                            millisSince(started));
                    return done;
                });
                budget.spent();
                cursor = b.last().or(() -> from);
                if (b.picked() < batchSize) {
                    finish(c, run, rule, exclusions);
                    return Outcome.DONE;
                }
            }
        } catch (RowGuard.Violation e) {
            // The batch is rolled back (Tx.call): nothing of it stays. The rule and so the run fail, and the
            // guard has logged the alert line ops are paged on. Later sweeps start new runs and meet the guard
            // again until the cause (a trigger, a rule or a schema change on the app's table) is put right.
            Tx.run(c, () -> RunStore.ruleFinished(c, run.id(), rule.name(), "FAILED", 0, null, 0, RowGuard.CODE,
                    clock.instant()));
            return Outcome.DONE;
        } catch (SQLException | RuntimeException e) {
            String code = SqlErrors.code(e);
            if (SqlErrors.transientFailure(e)) {
                LOG.warnf("run=%s rule=%s interrupted: %s", run.id(), rule.name(), code);
                Tx.tryRun(c, () -> RunStore.ruleInterrupted(c, run.id(), rule.name(), code));
                throw new Interrupted(code);
            }
            LOG.warnf("run=%s rule=%s failed: %s", run.id(), rule.name(), code);
            Tx.run(c, () -> RunStore.ruleFinished(c, run.id(), rule.name(), "FAILED", 0, null, 0, code,
                    clock.instant()));
            return Outcome.DONE;
        }
    }

    /** Counts what the exclusions kept back (only when there are any), and closes the rule. */
    private void finish(Connection c, RunView run, SweepRule rule, Exclusions exclusions) throws SQLException {
        long started = System.nanoTime();
        Tx.run(c, () -> {
            SweepRule.Scope scope = scope(c, run, rule, exclusions);
            long skipped = scope.excludedKeys().isEmpty() ? 0 : rule.count(c, scope).excluded();
            RunStore.ruleFinished(c, run.id(), rule.name(), "DONE", skipped, null, millisSince(started), null,
                    clock.instant());
        });
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

    static SweepRule.Scope scope(Connection c, RunView run, SweepRule rule, Exclusions exclusions)
            throws SQLException {
        return new SweepRule.Scope(run.appId(), run.asOf(),
                rule.subjectRows() ? exclusions.keys(c) : List.of());
    }

    private static boolean advisory(Connection c, String function, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(hashtextextended(?, 6))")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** A broken connection has lost its session locks already; nothing to undo then. */
    private static void unlock(Connection c, String key) {
        Tx.tryRun(c, () -> advisory(c, "pg_advisory_unlock", key));
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
