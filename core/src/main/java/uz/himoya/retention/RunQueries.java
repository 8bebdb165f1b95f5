package uz.himoya.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads run records with their rules, newest first. */
final class RunQueries {
    private RunQueries() {
    }

    static List<RunView> runs(Connection c, String where, Object param, int limit) throws SQLException {
        Map<UUID, RunView> runs = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, app_id, trigger, dry_run, partial, as_of, status,"
                + " started_at, finished_at, invocations, continuations FROM retention_run r WHERE " + where
                + " ORDER BY started_at DESC, id LIMIT ?")) {
            int i = 1;
            if (param != null) {
                ps.setObject(i++, param);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    runs.put(id, new RunView(id, rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getBoolean(5),
                            instant(rs.getTimestamp(6)), rs.getString(7), instant(rs.getTimestamp(8)),
                            instant(rs.getTimestamp(9)), rs.getInt(10), rs.getInt(11), new ArrayList<>()));
                }
            }
        }
        if (runs.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT run_id, rule, action, status, rows_affected,"
                + " would_affect, skipped_held, batches, duration_ms, cursor_value, started_at,"
                + " finished_at, error FROM retention_run_rule WHERE run_id = ANY(?) ORDER BY run_id, position")) {
            ps.setArray(1, c.createArrayOf("uuid", runs.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long would = rs.getLong(6);
                    Long wouldAffect = rs.wasNull() ? null : would;
                    runs.get(rs.getObject(1, UUID.class)).rules().add(new RunView.Rule(rs.getString(2),
                            rs.getString(3), rs.getString(4), rs.getLong(5), wouldAffect, rs.getLong(7), rs.getInt(8),
                            rs.getLong(9), rs.getString(10), instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12)),
                            rs.getString(13)));
                }
            }
        }
        return runs.values().stream().map(r -> new RunView(r.id(), r.appId(), r.trigger(), r.dryRun(), r.partial(),
                r.asOf(), r.status(), r.startedAt(), r.finishedAt(), r.invocations(), r.continuations(),
                List.copyOf(r.rules()))).toList();
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
