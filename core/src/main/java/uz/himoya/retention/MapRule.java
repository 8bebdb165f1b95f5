package uz.himoya.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A mapped table's retention rule, compiled by {@link RetentionPlanner}. A batch is one statement:
 *
 * <pre>
 * WITH picked AS MATERIALIZED (SELECT t.ctid, t.column FROM table t WHERE &lt;past retention&gt;
 *        AND &lt;subject not excluded&gt; AND (column, ctid) &gt; cursor
 *        ORDER BY column, ctid LIMIT n FOR UPDATE OF t SKIP LOCKED),
 *      changed AS (DELETE | UPDATE ... WHERE t.ctid = ANY(ARRAY(SELECT ctid FROM picked)) RETURNING 1)
 * SELECT picked count, changed count, last (column, ctid) picked
 * </pre>
 *
 * Why keyset on (retention column, ctid): with an index on the column (which a table swept by age needs
 * anyway) every batch starts where the last stopped, so the cost per batch stays flat however many rows
 * are behind it, rows kept back by a legal hold are walked past instead of re-read by every batch, and the
 * cursor is a timestamp and a tuple id, never data. ctid breaks ties and, joined back as a TID scan, finds
 * the picked rows without assuming a primary key. SKIP LOCKED leaves rows the app is writing right now for
 * the next sweep instead of waiting on them.
 */
public record MapRule(String name, String action, String reason, String from, String column, String columnType,
        List<TemporalAmount> cutoffs, String filter, List<Object> filterParams, String subjectKey, String change,
        List<Object> changeParams, ZoneId zone) implements SweepRule {

    @Override
    public boolean subjectRows() {
        return true;
    }

    @Override
    public Batch batch(Connection c, Scope scope, Optional<Cursor> after, int limit) throws SQLException {
        List<Object> params = new ArrayList<>();
        String where = where(scope, c, params);
        if (after.isPresent()) {
            where += " AND " + column + " >= CAST(? AS " + columnType + ") AND (" + column + " > CAST(? AS "
                    + columnType + ") OR t.ctid > CAST(? AS tid))";
            params.add(after.get().value());
            params.add(after.get().value());
            params.add(after.get().ctid());
        }
        params.add(limit);
        params.addAll(changeParams);
        String sql = "WITH picked AS MATERIALIZED (SELECT t.ctid AS himoya_ctid, " + column + " AS himoya_key FROM "
                + from + " WHERE " + where + " ORDER BY " + column + ", t.ctid LIMIT ? FOR UPDATE OF t SKIP LOCKED),"
                + " changed AS (" + change + " WHERE t.ctid = ANY(ARRAY(SELECT himoya_ctid FROM picked)) RETURNING 1)"
                + " SELECT (SELECT count(*) FROM picked), (SELECT count(*) FROM changed), l.himoya_key::text,"
                + " l.himoya_ctid::text FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT himoya_key, himoya_ctid"
                + " FROM picked ORDER BY himoya_key DESC, himoya_ctid DESC LIMIT 1) l ON true";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Optional<Cursor> last = rs.getString(4) == null ? Optional.empty()
                        : Optional.of(new Cursor(rs.getString(3), rs.getString(4)));
                return new Batch(rs.getLong(1), rs.getLong(2), last);
            }
        }
    }

    @Override
    public Counts count(Connection c, Scope scope) throws SQLException {
        List<Object> params = new ArrayList<>();
        params.add(c.createArrayOf("text", scope.excludedKeys().toArray()));
        Scope unexcluded = new Scope(scope.appId(), scope.asOf(), List.of());
        String where = where(unexcluded, c, params);
        String sql = "SELECT count(*) FILTER (WHERE " + excluded() + "), count(*) FROM " + from + " WHERE " + where;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Counts(rs.getLong(2) - rs.getLong(1), rs.getLong(1));
            }
        }
    }

    /** The rows past retention, less the excluded subjects; appends the bound values in order. */
    private String where(Scope scope, Connection c, List<Object> params) throws SQLException {
        for (TemporalAmount keep : cutoffs) {
            // Calendar periods (P2Y) are counted in the app's zone, as its users count them.
            params.add(OffsetDateTime.ofInstant(scope.asOf().atZone(zone).minus(keep).toInstant(), ZoneOffset.UTC));
        }
        params.addAll(filterParams);
        if (scope.excludedKeys().isEmpty()) {
            return filter;
        }
        params.add(c.createArrayOf("text", scope.excludedKeys().toArray()));
        return filter + " AND NOT " + excluded();
    }

    /** A row whose subject key is NULL (already cut loose) is never excluded. */
    private String excluded() {
        return "COALESCE((" + subjectKey + ") = ANY(CAST(? AS text[])), false)";
    }

    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        int i = 1;
        for (Object p : params) {
            if (p instanceof OffsetDateTime t) {
                ps.setObject(i++, t, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                ps.setObject(i++, p);
            }
        }
    }

    /** For tests and the benchmark: the cut-off the first retention period gives at asOf. */
    public Instant cutoff(Instant asOf) {
        return asOf.atZone(zone).minus(cutoffs.get(0)).toInstant();
    }
}
