package uz.himoya.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import uz.himoya.db.RowGuard;
import uz.himoya.db.RowIdentity;
import uz.himoya.store.port.SweepRule;

/**
 * A housekeeping rule on one of Himoya's own tables (see {@link OwnRules}). Its rows leave the match once
 * changed, so it needs no cursor. Parameters in order: app id, cut-off, batch limit, then the run's asOf for
 * every stamp the change writes (so a run handed on five times writes what one run would).
 *
 * <p>Rows are picked and changed by the table's primary key, through the same guard as the apps' rows
 * ({@link RowGuard}).
 *
 * @param key     the table's primary key columns
 * @param where   the rows due, with two placeholders: app id and cut-off
 * @param change  an UPDATE or DELETE of the table as alias t, without WHERE; may hold stamp placeholders
 * @param then    an extra data-modifying CTE over "changed" (e.g. audit rows), or empty
 * @param cutoff  the cut-off from the run's asOf
 */
public record OwnRule(String name, String action, String table, List<String> key, String where, String change,
        String then, int stamps, UnaryOperator<Instant> cutoff) implements SweepRule {

    @Override
    public boolean subjectRows() {
        return false;
    }

    @Override
    public Batch batch(Connection c, Scope scope, Optional<Cursor> after, int limit) throws SQLException {
        RowIdentity identity = RowIdentity.key(key, key.stream().map(k -> "text").toList());
        String sql = "WITH picked AS MATERIALIZED (SELECT " + identity.select() + " FROM " + table + " t WHERE "
                + where + " LIMIT ? FOR UPDATE SKIP LOCKED), changed AS (" + change + " WHERE "
                + identity.inPicked() + " RETURNING t.*)" + (then.isEmpty() ? "" : ", " + then)
                + " SELECT (SELECT count(*) FROM picked), (SELECT count(*) FROM changed)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scope.appId());
            ps.setTimestamp(2, Timestamp.from(cutoff.apply(scope.asOf())));
            ps.setInt(3, limit);
            for (int i = 0; i < stamps; i++) {
                ps.setTimestamp(4 + i, Timestamp.from(scope.asOf()));
            }
            RowGuard.Result r = RowGuard.execute(ps, table, "app=" + scope.appId() + " rule=" + name);
            return new Batch(r.picked(), r.changed(), Optional.empty());
        }
    }

    @Override
    public Counts count(Connection c, Scope scope) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE " + where)) {
            ps.setString(1, scope.appId());
            ps.setTimestamp(2, Timestamp.from(cutoff.apply(scope.asOf())));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Counts(rs.getLong(1), 0);
            }
        }
    }

    static List<String> names(List<OwnRule> rules) {
        return rules.stream().map(OwnRule::name).toList();
    }
}
