package uz.himoya.retention;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import uz.himoya.db.SqlErrors;

/**
 * A dry run: per rule, what a sweep would change and what it would leave for holds and open requests,
 * counted in one statement each; nothing is changed and no lock is taken.
 */
final class DryRun {
    private final Clock clock;

    DryRun(Clock clock) {
        this.clock = clock;
    }

    void count(Connection c, UUID runId, Map<String, SweepRule> rules, Exclusions exclusions) throws SQLException {
        RunView run = RunStore.get(c, runId).orElseThrow();
        for (RunView.Rule listed : run.rules()) {
            SweepRule rule = rules.get(listed.rule());
            long started = System.nanoTime();
            try {
                if (rule == null) {
                    throw new IllegalStateException("rule-removed");
                }
                Tx.run(c, () -> {
                    SweepRule.Counts k = rule.count(c, SweepEngine.scope(c, run, rule, exclusions));
                    RunStore.ruleFinished(c, runId, rule.name(), "DONE", k.excluded(), k.wouldAffect(),
                            (System.nanoTime() - started) / 1_000_000, null, clock.instant());
                });
            } catch (SQLException | RuntimeException e) {
                if (SqlErrors.transientFailure(e)) {
                    throw new SweepEngine.Interrupted(SqlErrors.code(e));
                }
                String code = rule == null ? "rule-removed" : SqlErrors.code(e);
                Tx.run(c, () -> RunStore.ruleFinished(c, runId, listed.rule(), "FAILED", 0, null, 0, code,
                        clock.instant()));
            }
        }
        Tx.run(c, () -> RunStore.finishIfDone(c, runId, clock.instant()));
    }
}
