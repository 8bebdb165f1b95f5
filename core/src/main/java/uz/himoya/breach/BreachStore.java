package uz.himoya.breach;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reads and writes breach incidents with plain JDBC on the caller's transaction. */
final class BreachStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An incident row. */
    record Row(UUID id, String appId, String title, Instant discoveredAt, Instant windowFrom, Instant windowTo,
            List<String> categories, Map<String, BreachCommand.NoticeContent> content, Map<String, String> selection,
            String status, Instant registeredAt, Instant resolvedAt, Instant sendingStartedAt, Instant completedAt,
            Instant authorityNotifiedAt, String authorityReference, int total) {
    }

    private BreachStore() {
    }

    static void insert(Connection c, Row r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO breach_incident (id, app_id, title, discovered_at, window_from, window_to, categories,
                  content, selection, status, registered_at, resolved_at, sending_started_at, total)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setObject(1, r.id());
            ps.setString(2, r.appId());
            ps.setString(3, r.title());
            ps.setTimestamp(4, ts(r.discoveredAt()));
            ps.setTimestamp(5, ts(r.windowFrom()));
            ps.setTimestamp(6, ts(r.windowTo()));
            ps.setString(7, JSON.writeValueAsString(r.categories()));
            ps.setString(8, JSON.writeValueAsString(r.content()));
            ps.setString(9, JSON.writeValueAsString(r.selection()));
            ps.setString(10, r.status());
            ps.setTimestamp(11, ts(r.registeredAt()));
            ps.setTimestamp(12, ts(r.resolvedAt()));
            ps.setTimestamp(13, ts(r.sendingStartedAt()));
            ps.setInt(14, r.total());
            ps.executeUpdate();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode incident");
        }
    }

    static Optional<Row> find(Connection c, UUID id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, app_id, title, discovered_at, window_from,"
                + " window_to, categories, content, selection, status, registered_at, resolved_at,"
                + " sending_started_at, completed_at, authority_notified_at, authority_reference, total"
                + " FROM breach_incident WHERE id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        inst(rs, 4), inst(rs, 5), inst(rs, 6),
                        JSON.readValue(rs.getString(7), new TypeReference<List<String>>() { }),
                        JSON.readValue(rs.getString(8),
                                new TypeReference<LinkedHashMap<String, BreachCommand.NoticeContent>>() { }),
                        JSON.readValue(rs.getString(9), new TypeReference<LinkedHashMap<String, String>>() { }),
                        rs.getString(10), inst(rs, 11), inst(rs, 12), inst(rs, 13), inst(rs, 14), inst(rs, 15),
                        rs.getString(16), rs.getInt(17)));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored incident is unreadable");
        }
    }

    /** Notice counts by status, and COMPLAINED for the notices users reported as spam: the incident's progress. */
    static Map<String, Long> counts(Connection c, UUID id) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT status, count(*), count(complained_at)"
                + " FROM breach_notice WHERE incident_id = ? GROUP BY status")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                    counts.merge("COMPLAINED", rs.getLong(3), Long::sum);
                }
            }
        }
        return counts;
    }

    /**
     * Sent notices per language they were sent in, for the report: what users received, which differs
     * from what they asked for (locale) when the incident has no text in their language.
     */
    static Map<String, Long> byLocale(Connection c, UUID id) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT sent_locale, count(*) FROM breach_notice"
                + " WHERE incident_id = ? AND status = 'SENT' GROUP BY sent_locale ORDER BY sent_locale")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return counts;
    }

    static int maxSeq(Connection c, UUID id) throws SQLException {
        return intQuery(c, "SELECT coalesce(max(seq), 0) FROM breach_notice WHERE incident_id = ?", id);
    }

    /** The lowest notice number still to send, or 0. */
    static int minOpenSeq(Connection c, UUID id) throws SQLException {
        return intQuery(c, "SELECT coalesce(min(seq), 0) FROM breach_notice WHERE incident_id = ?"
                + " AND status IN ('PENDING', 'SENDING')", id);
    }

    static int maxOpenSeq(Connection c, UUID id) throws SQLException {
        return intQuery(c, "SELECT coalesce(max(seq), 0) FROM breach_notice WHERE incident_id = ?"
                + " AND status IN ('PENDING', 'SENDING')", id);
    }

    /** Runs one statement with its parameters (instants as timestamps); returns the rows it changed. */
    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i] instanceof Instant t ? Timestamp.from(t) : params[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static int intQuery(Connection c, String sql, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant inst(ResultSet rs, int col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }
}
