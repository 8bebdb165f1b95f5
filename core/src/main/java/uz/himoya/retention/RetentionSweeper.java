package uz.himoya.retention;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.crypto.Secrets;
import uz.himoya.db.SqlErrors;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.StoreConnections;

/**
 * Retention sweeps (Qlever 5.3, MEGABITE-CRM 6.3, ShipEx 1.3.1: personal data is kept only as long as its
 * purpose or the law allows). A sweep starts or resumes one run per app and works it within a time budget;
 * short of time it hands the run on through the retention queue. A run that crashed is resumed by the next
 * sweep from its cursor, with the cut-offs of its start.
 *
 * <pre>{@code
 * SweepReport r = sweeper.sweep(SweepOptions.everything(), "schedule", () -> Duration.ofMinutes(14));
 * }</pre>
 */
@ApplicationScoped
public class RetentionSweeper {
    private static final Logger LOG = Logger.getLogger(RetentionSweeper.class);

    private final RetentionPlans plans;
    private final StoreConnections stores;
    private final AgroalDataSource dataSource;
    private final Secrets secrets;
    private final Clock clock;
    private final HimoyaConfig config;
    private final RetentionQueue queue;
    private final SweepRequests requests;

    public RetentionSweeper(AppRegistry apps, RetentionPlans plans, StoreConnections stores,
            AgroalDataSource dataSource, Secrets secrets, Clock clock, HimoyaConfig config, RetentionQueue queue) {
        this.plans = plans;
        this.stores = stores;
        this.dataSource = dataSource;
        this.secrets = secrets;
        this.clock = clock;
        this.config = config;
        this.queue = queue;
        this.requests = new SweepRequests(apps, plans, config, clock);
    }

    /** A scheduled sweep with the configured budget (the Lambda context's time is not available in Funqy). */
    public SweepReport sweep(SweepOptions options, String trigger) {
        Duration budget = trigger.equals("ops") ? config.retention().httpTimeBudget()
                : config.retention().timeBudget();
        return sweep(options, trigger, Budget.countdown(clock, budget));
    }

    /** Validates (422 Problem with every field error), starts or resumes runs, and works them. */
    public SweepReport sweep(SweepOptions options, String trigger, Supplier<Duration> remaining) {
        requests.validate(options);
        Budget budget = budget(remaining, options.timeBudget());
        List<UUID> runs = new ArrayList<>();
        withConnection(c -> {
            for (String app : options.app().map(List::of).orElse(config.apps())) {
                runs.add(requests.startOrResume(c, app, options, trigger));
            }
            for (UUID run : runs) {
                work(c, run, options.timeBudget(), budget);
            }
        });
        return report(runs);
    }

    /** Picks up a run a continuation names; a finished or unknown run is left as it is. */
    public SweepReport resume(Continuation k) {
        return resume(k, Budget.countdown(clock, config.retention().timeBudget()));
    }

    public SweepReport resume(Continuation k, Supplier<Duration> remaining) {
        Budget budget = budget(remaining, k.timeBudget());
        withConnection(c -> {
            Optional<RunView> run = Tx.call(c, () -> RunStore.get(c, k.runId()));
            if (run.isEmpty() || !run.get().running()) {
                LOG.infof("run=%s continuation: nothing to do (%s)", k.runId(), run.map(RunView::status)
                        .orElse("unknown run"));
                return;
            }
            Tx.run(c, () -> RunStore.invoked(c, k.runId(), true));
            work(c, k.runId(), k.timeBudget(), budget);
        });
        return report(List.of(k.runId()));
    }

    private void work(Connection c, UUID runId, Optional<Duration> override, Budget budget) throws SQLException {
        RunView run = Tx.call(c, () -> RunStore.get(c, runId)).orElseThrow();
        if (!run.running()) {
            return;
        }
        var rules = plans.rules(run.appId());
        Exclusions exclusions = plans.exclusions(run.appId());
        SweepEngine engine = new SweepEngine(config.retention().batchSize(), clock, secrets);
        if (run.dryRun()) {
            new DryRun(clock).count(c, stores::open, runId, rules, exclusions);
        } else if (engine.work(c, stores::open, runId, rules, exclusions, budget) == SweepEngine.Outcome.HANDED_ON) {
            handOn(new Continuation(runId, override));
        }
    }

    private void handOn(Continuation k) {
        try {
            queue.send(k);
            LOG.infof("run=%s handed on to a continuation", k.runId());
        } catch (RuntimeException e) {
            LOG.warnf("run=%s continuation not sent (%s); the next scheduled sweep resumes the run", k.runId(),
                    e.getClass().getSimpleName());
        }
    }

    private Budget budget(Supplier<Duration> remaining, Optional<Duration> cap) {
        return Budget.capped(clock, remaining, cap, config.retention().safetyMargin());
    }

    private SweepReport report(List<UUID> runs) {
        List<RunView> views = new ArrayList<>();
        withConnection(c -> {
            for (UUID id : runs) {
                Tx.call(c, () -> RunStore.get(c, id)).ifPresent(views::add);
            }
        });
        return new SweepReport(List.copyOf(views));
    }

    @FunctionalInterface
    private interface ConnectionWork {
        void run(Connection c) throws SQLException;
    }

    /** A connection of our own with auto-commit off: the engine commits batch by batch. */
    private void withConnection(ConnectionWork work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                work.run(c);
            } finally {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // a broken connection is discarded by the pool anyway
                }
            }
        } catch (SQLException e) {
            if (SqlErrors.transientFailure(e)) {
                throw new SweepEngine.Interrupted(SqlErrors.code(e));
            }
            // No cause attached: a driver's message may quote row values, and this one reaches the logs.
            throw new IllegalStateException("retention sweep failed: " + SqlErrors.code(e));
        }
    }
}
