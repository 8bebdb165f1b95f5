package uz.himoya.erasure;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import uz.himoya.db.RowGuard;

/**
 * Runs a plan for one subject on a connection whose transaction the caller owns, so the erasure of every
 * table, the receipt and the request's new status commit together or not at all. Each table's statement is
 * guarded ({@link RowGuard}): its count in the receipt is the rows the subject had there, all changed.
 *
 * <p>In order: the tombstones are made sure of, the captures read the keys of the rows the subject's rows point
 * at (before any of those rows is deleted or cut loose), then one statement per table. A referenced table whose
 * capture found nothing runs no statement at all: the subject's rows pointed at none of its rows.
 */
public final class ErasureExecutor {

    private ErasureExecutor() {
    }

    public static List<TableOutcome> execute(Connection connection, ErasurePlan plan, String subjectKey)
            throws SQLException {
        for (ErasurePlan.Tombstone t : plan.tombstones()) {
            ensure(connection, t);
        }
        Map<String, Set<String>> captured = capture(connection, plan.captures(), subjectKey);
        List<TableOutcome> outcomes = new ArrayList<>(plan.steps().size());
        for (ErasurePlan.Step step : plan.steps()) {
            long rows = 0;
            Set<String> ids = step.ids().map(t -> captured.getOrDefault(t, Set.of())).orElse(null);
            if (ids == null || !ids.isEmpty()) {
                try (PreparedStatement ps = connection.prepareStatement(step.sql())) {
                    int i = bind(ps, 1, step.params());
                    for (int twice = 0; twice < 2; twice++) { // the change's WHERE, then the count's
                        if (ids == null) {
                            ps.setString(i++, subjectKey);
                        } else {
                            ps.setArray(i++, connection.createArrayOf("text", ids.toArray()));
                        }
                    }
                    // Throws when the rows changed are not the rows picked: the caller's transaction rolls back.
                    rows = RowGuard.execute(ps, step.table(), "app=" + plan.appId()).changed();
                }
            }
            outcomes.add(new TableOutcome(step.table(), step.action(), rows, step.categories(),
                    step.anonymizedColumns(), step.keptBecause(), step.cutLoose()));
        }
        return outcomes;
    }

    /** The keys of the rows of each referenced table that the subject's rows point at, by table. */
    private static Map<String, Set<String>> capture(Connection c, List<ErasurePlan.Capture> captures,
            String subjectKey) throws SQLException {
        Map<String, Set<String>> out = new HashMap<>();
        for (ErasurePlan.Capture cap : captures) {
            Set<String> into = out.computeIfAbsent(cap.table(), k -> new LinkedHashSet<>());
            Set<String> via = cap.via().map(v -> out.getOrDefault(v, Set.of())).orElse(null);
            if (via != null && via.isEmpty()) {
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement(cap.sql())) {
                if (via == null) {
                    ps.setString(1, subjectKey);
                } else {
                    ps.setArray(1, c.createArrayOf("text", via.toArray()));
                }
                bind(ps, 2, cap.params());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        into.add(rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Creates a tombstone if it is missing and checks it is there. ON CONFLICT on its key makes two erasures
     * that create it at once wait for each other instead of failing; the check catches an insert that a
     * trigger or rule swallowed, before any row is pointed at a row that does not exist.
     */
    static void ensure(Connection c, ErasurePlan.Tombstone t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(t.insert())) {
            bind(ps, 1, t.params());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(t.check())) {
            ps.setString(1, t.key());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) != 1) {
                    throw new TombstoneMissing(t.table());
                }
            }
        }
    }

    private static int bind(PreparedStatement ps, int first, List<Object> params) throws SQLException {
        int i = first;
        for (Object p : params) {
            if (p == null) {
                ps.setNull(i++, Types.VARCHAR);
            } else {
                ps.setObject(i++, p);
            }
        }
        return i;
    }
}
