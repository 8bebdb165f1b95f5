package uz.himoya.retention;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.store.AppRegistry;
import uz.himoya.problem.Problem;

/** Checks what a sweep is asked for against the served apps and their rules, and starts or resumes runs. */
final class SweepRequests {
    private final AppRegistry apps;
    private final RetentionPlans plans;
    private final HimoyaConfig config;
    private final Clock clock;

    SweepRequests(AppRegistry apps, RetentionPlans plans, HimoyaConfig config, Clock clock) {
        this.apps = apps;
        this.plans = plans;
        this.config = config;
        this.clock = clock;
    }

    /** An unknown app or rule is an error naming what is valid: never a silent skip. */
    void validate(SweepOptions o) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (o.app().isPresent() && !apps.serves(o.app().get())) {
            errors.add(new Problem.FieldError("app", "is not an app this deployment serves; it serves "
                    + config.apps()));
        } else if (o.app().isEmpty() && !o.rules().isEmpty()) {
            errors.add(new Problem.FieldError("rules", "name the app whose rules to sweep"));
        } else if (o.app().isPresent()) {
            Map<String, PlannedRule> rules = plans.rules(o.app().get());
            for (int i = 0; i < o.rules().size(); i++) {
                if (!rules.containsKey(o.rules().get(i))) {
                    errors.add(new Problem.FieldError("rules[" + i + "]", "is not a rule of this app; valid: "
                            + rules.keySet()));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw Problem.validation(errors);
        }
    }

    /**
     * A full sweep resumes the app's unfinished full run (a crash or a lost continuation left it), unless it
     * is older than himoya.retention.abandon-after; a dry run or a run of chosen rules always starts afresh.
     * Serialized per app, so two sweeps started at once share one run and split its rules by their locks.
     */
    UUID startOrResume(Connection c, String appId, SweepOptions o, String trigger) throws SQLException {
        Map<String, PlannedRule> rules = plans.rules(appId);
        return Tx.call(c, () -> {
            RunStore.lockApp(c, appId);
            Instant now = clock.instant();
            RunStore.abandonOlderThan(c, appId, now.minus(config.retention().abandonAfter()), now);
            boolean partial = !o.rules().isEmpty();
            if (!o.dryRun() && !partial) {
                Optional<UUID> open = RunStore.unfinished(c, appId);
                if (open.isPresent()) {
                    RunStore.invoked(c, open.get(), false);
                    return open.get();
                }
            }
            UUID id = UUID.randomUUID();
            List<RunStore.RuleSpec> specs = rules.values().stream()
                    .filter(r -> !partial || o.rules().contains(r.name()))
                    .map(r -> new RunStore.RuleSpec(r.name(), r.action())).toList();
            RunStore.create(c, new RunView(id, appId, trigger, o.dryRun(), partial, now, "RUNNING", now, null, 1, 0,
                    List.of()), specs);
            return id;
        });
    }
}
