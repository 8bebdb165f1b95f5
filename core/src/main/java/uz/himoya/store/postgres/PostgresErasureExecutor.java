package uz.himoya.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import uz.himoya.db.RowGuard;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.erasure.TombstoneMissing;

/**
 * Runs a plan for one subject on a connection whose transaction the caller owns, so the erasure of every
 * table, the receipt and the request's new status commit together or not at all. Each table's statement is
 * guarded ({@link RowGuard}): its count in the receipt is the rows the subject had there, all changed.
 *
 * <p>In order: the tombstones are made sure of, the captures read the keys of the rows the subject's rows point
 * at (before any of those rows is deleted or cut loose), then one guarded change per table, one round trip
 * each. In a transaction whose statements share one snapshot (REPEATABLE READ or SERIALIZABLE, as StoreErasure
 * runs it) a table's count and change are two statements sent together; otherwise one statement with a
 * data-modifying WITH, whose per-row RETURNING and CTE scan cost more on a subject with many rows (README,
 * Benchmarks). A referenced table whose capture found nothing runs no statement at all: the subject's rows
 * pointed at none of its rows.
 */
public final class PostgresErasureExecutor {

    private PostgresErasureExecutor() {
    }

    public static List<TableOutcome> execute(Connection connection, PostgresErasurePlan plan, String subjectKey)
            throws SQLException {
        for (PostgresErasurePlan.Tombstone t : plan.tombstones()) {
            ensure(connection, t);
        }
        Map<String, Set<String>> captured = capture(connection, plan.captures(), subjectKey, true);
        boolean oneSnapshot = oneSnapshot(connection, plan);
        List<TableOutcome> outcomes = new ArrayList<>(plan.steps().size());
        for (PostgresErasurePlan.Step step : plan.steps()) {
            long rows = 0;
            Set<String> ids = step.ids().map(t -> captured.getOrDefault(t, Set.of())).orElse(null);
            if (ids == null || !ids.isEmpty()) {
                // One round trip per table, so a table whose counts differ stops the erasure before the next
                // table is touched, and the guard, not a later statement's error, says what went wrong.
                rows = guarded(connection, plan, step, ids, subjectKey, oneSnapshot);
            }
            outcomes.add(new TableOutcome(step.table(), step.action(), rows, step.categories(),
                    step.anonymizedColumns(), step.keptBecause(), step.cutLoose()));
        }
        return outcomes;
    }

    /** One step's guarded change; throws when the rows changed are not the rows counted (the caller rolls back). */
    private static long guarded(Connection connection, PostgresErasurePlan plan, PostgresErasurePlan.Step step,
            Set<String> ids,
            String subjectKey, boolean oneSnapshot) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(oneSnapshot ? step.sameSnapshot().sql()
                : step.sql())) {
            if (oneSnapshot) {
                bindSameSnapshot(connection, ps, 1, step, ids, subjectKey);
            } else {
                bindOneStatement(connection, ps, 1, step, ids, subjectKey);
            }
            if (!ps.execute()) {
                throw new IllegalStateException("a guarded step returned no row");
            }
            return RowGuard.next(ps, oneSnapshot, step.table(), "app=" + plan.appId()).changed();
        }
    }

    /**
     * Whether the transaction's statements all read one snapshot (REPEATABLE READ or SERIALIZABLE), so each step
     * may send its count and change as two statements; asked together with whether a planned table has rewrite
     * rules, in one round trip. A rule can turn a change into other work whose row count still looks right, and
     * PostgreSQL refuses the one-statement form (a data-modifying WITH) on such a table; so the two-statement form
     * refuses it too (0A000), before any row changed. pg_class is read in the transaction's snapshot, as the
     * statements after it are: a rule committed later (DDL on the app's table during the erasure) is not seen.
     */
    private static boolean oneSnapshot(Connection connection, PostgresErasurePlan plan) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT current_setting('transaction_isolation')"
                + " IN ('repeatable read', 'serializable'), (SELECT string_agg(c.relname, ', ' ORDER BY c.relname)"
                + " FROM pg_catalog.pg_class c WHERE c.oid = ANY(CAST(CAST(? AS text[]) AS regclass[]))"
                + " AND c.relhasrules)")) {
            ps.setArray(1, connection.createArrayOf("text", plan.steps().stream()
                    .map(s -> s.sameSnapshot().relation()).distinct().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                boolean oneSnapshot = rs.getBoolean(1);
                String ruled = rs.getString(2);
                if (oneSnapshot && ruled != null) {
                    throw new SQLFeatureNotSupportedException("tables with rewrite rules, which the row guard cannot"
                            + " see through: " + ruled, "0A000");
                }
                return oneSnapshot;
            }
        }
    }

    /** The one-statement form's placeholders: the strategies' values, the change's rows, the count's. */
    private static int bindOneStatement(Connection connection, PreparedStatement ps, int first,
            PostgresErasurePlan.Step step,
            Set<String> ids, String subjectKey) throws SQLException {
        int i = bind(ps, first, step.params());
        i = bindRows(connection, ps, i, ids, subjectKey);
        return bindRows(connection, ps, i, ids, subjectKey);
    }

    /**
     * The two-statement form's placeholders (PostgresErasurePlan.SameSnapshot): the rows, the values, the rows
     * again.
     */
    private static int bindSameSnapshot(Connection connection, PreparedStatement ps, int first,
            PostgresErasurePlan.Step step,
            Set<String> ids, String subjectKey) throws SQLException {
        int i = bindRows(connection, ps, first, ids, subjectKey);
        i = bind(ps, i, step.params());
        return bindRows(connection, ps, i, ids, subjectKey);
    }

    /** The rows a step reaches: the subject's key, or the captured keys (ids not null) as one array. */
    private static int bindRows(Connection connection, PreparedStatement ps, int i, Set<String> ids, String subjectKey)
            throws SQLException {
        if (ids == null) {
            ps.setString(i, subjectKey);
        } else {
            ps.setArray(i, connection.createArrayOf("text", ids.toArray()));
        }
        return i + 1;
    }

    /**
     * The keys of the rows of each referenced table that the subject's rows point at, by table; lock: whether the
     * referencing rows are locked (the erasure) or only read (PostgresSubjectRows).
     */
    static Map<String, Set<String>> capture(Connection c, List<PostgresErasurePlan.Capture> captures,
            String subjectKey, boolean lock) throws SQLException {
        Map<String, Set<String>> out = new HashMap<>();
        for (PostgresErasurePlan.Capture cap : captures) {
            Set<String> into = out.computeIfAbsent(cap.table(), k -> new LinkedHashSet<>());
            Set<String> via = cap.via().map(v -> out.getOrDefault(v, Set.of())).orElse(null);
            if (via != null && via.isEmpty()) {
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement(lock ? cap.sql() : cap.read())) {
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
    static void ensure(Connection c, PostgresErasurePlan.Tombstone t) throws SQLException {
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
