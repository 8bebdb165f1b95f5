package uz.himoya.erasure;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import uz.himoya.db.RowGuard;

/**
 * Runs a plan for one subject on a connection whose transaction the caller owns, so the erasure of every
 * table, the receipt and the request's new status commit together or not at all. Each table's statement is
 * guarded ({@link RowGuard}): its count in the receipt is the rows the subject had there, all changed.
 */
public final class ErasureExecutor {

    private ErasureExecutor() {
    }

    public static List<TableOutcome> execute(Connection connection, ErasurePlan plan, String subjectKey)
            throws SQLException {
        return execute(connection, plan.appId(), plan.steps(), subjectKey);
    }

    /** The given steps (one store's) in order. */
    public static List<TableOutcome> execute(Connection connection, String appId, List<ErasurePlan.Step> steps,
            String subjectKey) throws SQLException {
        List<TableOutcome> outcomes = new ArrayList<>(steps.size());
        for (ErasurePlan.Step step : steps) {
            try (PreparedStatement ps = connection.prepareStatement(step.sql())) {
                int i = 1;
                for (Object p : step.params()) {
                    ps.setObject(i++, p);
                }
                ps.setString(i++, subjectKey); // the change's WHERE
                ps.setString(i, subjectKey); // the count's
                // Throws when the rows changed are not the rows picked: the caller's transaction rolls back.
                long rows = RowGuard.execute(ps, step.table(), "app=" + appId).changed();
                outcomes.add(new TableOutcome(step.table(), step.action(), rows, step.categories(),
                        step.anonymizedColumns(), step.keptBecause()));
            }
        }
        return outcomes;
    }
}
