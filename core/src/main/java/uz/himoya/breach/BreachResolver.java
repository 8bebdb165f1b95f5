package uz.himoya.breach;

import static uz.himoya.erasure.ErasurePlanner.q;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import uz.himoya.erasure.ErasurePlanner;
import uz.himoya.privacymap.PrivacyMap;

/**
 * Turns a selection into notice rows inside PostgreSQL, set-based: one INSERT ... SELECT, whatever the
 * number of subjects. Identifiers come from the validated privacy map; ids, window and keys are bound.
 * Subjects without a registered address get no row (there is nobody to write to); the count says so.
 */
final class BreachResolver {

    /** The SQL and its bound values for the keys (as text) of the affected subjects. */
    private record Affected(String sql, List<Object> params) {
    }

    private BreachResolver() {
    }

    /** Inserts one PENDING notice per affected subject with an address; returns how many were added. */
    static int resolve(Connection c, PrivacyMap map, UUID incident, BreachCommand.Selection selection,
            Timestamp from, Timestamp to, String hashKey, int seqOffset) throws SQLException {
        Affected affected = affected(c, map, selection, from, to);
        PrivacyMap.Subject s = map.subject();
        String locale = s.locale().map(l -> "CASE WHEN s." + q(l) + " = ANY(?) THEN s." + q(l) + " ELSE ? END")
                .orElse("?");
        String sql = "INSERT INTO breach_notice (incident_id, seq, subject_hash, address, address_hash, locale, status)"
                + " SELECT ?, ? + row_number() OVER (), sha256(convert_to(? || s." + q(s.key()) + "::text, 'UTF8')),"
                + " s." + q(s.email()) + ", sha256(convert_to(? || lower(s." + q(s.email()) + "), 'UTF8')), " + locale
                + ", 'PENDING' FROM " + q(map.subjectStore().schema()) + "." + q(s.table()) + " s WHERE s." + q(s.email())
                + " IS NOT NULL" + (affected == null ? "" : " AND s." + q(s.key()) + "::text IN (" + affected.sql() + ")")
                + " ON CONFLICT (incident_id, subject_hash) DO NOTHING";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setObject(i++, incident);
            ps.setInt(i++, seqOffset);
            ps.setString(i++, hashKey);
            ps.setString(i++, hashKey);
            if (s.locale().isPresent()) {
                ps.setArray(i++, c.createArrayOf("text", map.app().locales().toArray()));
            }
            ps.setString(i++, map.app().defaultLocale());
            if (affected != null) {
                for (Object p : affected.params()) {
                    ps.setObject(i++, p);
                }
            }
            return ps.executeUpdate();
        }
    }

    /**
     * How many subjects with an address the selection would reach, per language asked for (the subject's
     * own if the app offers it, else the app's default: the locale a notice row would get). Changes nothing.
     */
    static Map<String, Long> countByLocale(Connection c, PrivacyMap map, BreachCommand.Selection selection,
            Timestamp from, Timestamp to) throws SQLException {
        Affected affected = affected(c, map, selection, from, to);
        PrivacyMap.Subject s = map.subject();
        String locale = s.locale().map(l -> "CASE WHEN s." + q(l) + " = ANY(?) THEN s." + q(l) + " ELSE ? END")
                .orElse("?::text");
        String sql = "SELECT " + locale + " AS locale, count(*) FROM " + q(map.subjectStore().schema()) + "." + q(s.table())
                + " s WHERE s." + q(s.email()) + " IS NOT NULL"
                + (affected == null ? "" : " AND s." + q(s.key()) + "::text IN (" + affected.sql() + ")")
                + " GROUP BY 1 ORDER BY 1";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (s.locale().isPresent()) {
                ps.setArray(i++, c.createArrayOf("text", map.app().locales().toArray()));
            }
            ps.setString(i++, map.app().defaultLocale());
            if (affected != null) {
                for (Object p : affected.params()) {
                    ps.setObject(i++, p);
                }
            }
            Map<String, Long> out = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        }
    }

    /** null means every subject of the app. */
    private static Affected affected(Connection c, PrivacyMap map, BreachCommand.Selection selection,
            Timestamp from, Timestamp to) throws SQLException {
        return switch (selection) {
            case BreachCommand.All all -> null;
            case BreachCommand.Subjects subjects -> {
                Array ids = c.createArrayOf("text", subjects.ids().toArray());
                yield new Affected("SELECT unnest(?::text[])", List.of(ids));
            }
            case BreachCommand.Selector selector -> {
                PrivacyMap.BreachSelector sel = map.breachSelectors().stream()
                        .filter(x -> x.name().equals(selector.name())).findFirst().orElseThrow();
                PrivacyMap.Table table = map.table(sel.table()).orElseThrow();
                List<Object> params = new ArrayList<>(List.of(from, to));
                // Rows created or touched inside the window [from, to), traced to their subject.
                yield new Affected("SELECT " + ErasurePlanner.subjectKey(map, table, "t") + " FROM "
                        + q(map.store(table.store()).schema()) + "." + q(table.name()) + " t WHERE t." + q(sel.timestamp())
                        + " >= ? AND t." + q(sel.timestamp()) + " < ?", params);
            }
        };
    }
}
