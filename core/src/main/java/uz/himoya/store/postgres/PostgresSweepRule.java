package uz.himoya.store.postgres;

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
import uz.himoya.db.RowGuard;
import uz.himoya.db.RowIdentity;
import uz.himoya.store.port.SweepRule;

/**
 * A mapped table's retention rule, compiled by {@link PostgresRetention}. A batch is one guarded statement
 * ({@link RowGuard}):
 *
 * <pre>
 * WITH picked AS MATERIALIZED (SELECT &lt;identity&gt;, t.column FROM table t WHERE &lt;past retention&gt;
 *        AND &lt;subject not excluded&gt; AND (column, identity) &gt; cursor
 *        ORDER BY column, identity LIMIT n FOR UPDATE OF t SKIP LOCKED),
 *      changed AS (DELETE | UPDATE ... WHERE &lt;identity&gt; IN picked RETURNING 1)
 * SELECT picked count, changed count, last (column, identity) picked
 * </pre>
 *
 * Rows are picked and changed by what really identifies them ({@link RowIdentity}: the primary key, or
 * tableoid and ctid), so the change reaches exactly the rows picked, in every partition; a ctid alone would
 * match the rows at the same address in every partition (issue 9).
 *
 * <p>Why keyset on (retention column, identity): with an index on the column (which a table swept by age
 * needs anyway) every batch starts where the last stopped, so the cost per batch stays flat however many
 * rows are behind it, and rows kept back by a legal hold are walked past instead of re-read by every batch.
 * The identity breaks ties. SKIP LOCKED leaves rows the app is writing right now for the next sweep instead
 * of waiting on them.
 */
public record PostgresSweepRule(String name, String action, String reason, String from, String column,
        String columnType, RowIdentity identity, List<TemporalAmount> cutoffs, String filter,
        List<Object> filterParams, String subjectKey, String change, List<Object> changeParams, ZoneId zone) implements SweepRule {

    @Override
    public boolean subjectRows() {
        return true;
    }

    @Override
    public Batch batch(Connection c, Scope scope, Optional<Cursor> after, int limit) throws SQLException {
        List<Object> params = new ArrayList<>();
        String where = where(scope, c, params);
        if (after.isPresent()) {
            // The first test lets an index on the column start the scan at the cursor; the row comparison
            // then steps past the rows of equal value already done.
            where += " AND " + column + " >= CAST(? AS " + columnType + ") AND (" + column + ", "
                    + identity.orderBy() + ") > (CAST(? AS " + columnType + "), " + identity.placeholders() + ")";
            params.add(after.get().value());
            params.add(after.get().value());
            params.addAll(after.get().key());
        }
        params.add(limit);
        params.addAll(changeParams);
        String sql = "WITH picked AS MATERIALIZED (SELECT " + identity.select() + ", " + column
                + " AS himoya_value FROM " + from + " WHERE " + where + " ORDER BY " + column + ", "
                + identity.orderBy() + " LIMIT ? FOR UPDATE OF t SKIP LOCKED), changed AS (" + change + " WHERE "
                + identity.inPicked() + " RETURNING 1) SELECT (SELECT count(*) FROM picked), (SELECT count(*)"
                + " FROM changed), l.himoya_value::text, " + identity.picked("l.", "::text")
                + " FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT * FROM picked ORDER BY himoya_value DESC, "
                + identity.picked(" DESC") + " LIMIT 1) l ON true";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            RowGuard.Result r = RowGuard.execute(ps, name, "app=" + scope.appId() + " rule=" + name);
            List<String> more = r.more();
            Optional<Cursor> last = more.get(1) == null ? Optional.empty()
                    : Optional.of(new Cursor(more.get(0), more.subList(1, more.size())));
            return new Batch(r.picked(), r.changed(), last);
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
