package uz.himoya.retention;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import uz.himoya.db.SqlErrors;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.port.SweepRule;

/**
 * A dry run: per rule, what a sweep would change and what it would leave for holds and open requests,
 * counted in one statement each, on the database that holds the rule's rows (the app's store, or Himoya's
 * own for Himoya's rules); the exclusions come from Himoya's records as values. Nothing is changed and no
 * lock is taken on the app's rows.
 */
final class DryRun {
    private final Clock clock;

    DryRun(Clock clock) {
        this.clock = clock;
    }

    void count(Connection c, AppRegistry.StoreOpener opener, UUID runId, Map<String, PlannedRule> rules,
            Exclusions exclusions) throws SQLException {
        try (StoreSessions stores = new StoreSessions(opener)) {
            count(c, stores, runId, rules, exclusions);
        }
    }

    private void count(Connection c, StoreSessions stores, UUID runId, Map<String, PlannedRule> rules,
            Exclusions exclusions) throws SQLException {
        RunView run = RunStore.get(c, runId).orElseThrow();
        for (RunView.Rule listed : run.rules()) {
            PlannedRule planned = rules.get(listed.rule());
            long started = System.nanoTime();
            try {
                if (planned == null) {
                    throw new IllegalStateException("rule-removed");
                }
                SweepRule rule = planned.rule();
                Tx.run(c, () -> {
                    SweepRule.Counts k = rule.count(stores.forRule(planned, c), SweepEngine.scope(c, stores, run, rule,
                            exclusions));
                    RunStore.ruleFinished(c, runId, rule.name(), "DONE", k.excluded(), k.wouldAffect(),
                            (System.nanoTime() - started) / 1_000_000, null, clock.instant());
                });
            } catch (SQLException | RuntimeException e) {
                if (SqlErrors.transientFailure(e)) {
                    throw new SweepEngine.Interrupted(SqlErrors.code(e));
                }
                String code = planned == null ? "rule-removed" : SqlErrors.code(e);
                Tx.run(c, () -> RunStore.ruleFinished(c, runId, listed.rule(), "FAILED", 0, null, 0, code,
                        clock.instant()));
            }
        }
        Tx.run(c, () -> RunStore.finishIfDone(c, runId, clock.instant()));
    }
}
