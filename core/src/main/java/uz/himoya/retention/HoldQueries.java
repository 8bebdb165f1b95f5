package uz.himoya.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import uz.himoya.crypto.Secrets;

/** Reads legal holds as {@link HoldView}s, unsealing the subject key of active holds only. */
final class HoldQueries {
    private static final String COLUMNS = "SELECT id, app_id, subject_key, reason, placed_at, lifted_at, lift_reason"
            + " FROM legal_hold WHERE app_id = ?";

    private HoldQueries() {
    }

    static List<HoldView> list(Connection c, Secrets secrets, String appId, boolean includeLifted)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(COLUMNS + (includeLifted ? "" : " AND lifted_at IS NULL")
                + " ORDER BY placed_at DESC, id LIMIT 500")) {
            ps.setString(1, appId);
            return read(ps, secrets);
        }
    }

    static Optional<HoldView> one(Connection c, Secrets secrets, String appId, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(COLUMNS + " AND id = ?")) {
            ps.setString(1, appId);
            ps.setObject(2, id);
            return read(ps, secrets).stream().findFirst();
        }
    }

    private static List<HoldView> read(PreparedStatement ps, Secrets secrets) throws SQLException {
        List<HoldView> holds = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                byte[] key = rs.getBytes(3);
                Timestamp lifted = rs.getTimestamp(6);
                holds.add(new HoldView(rs.getObject(1, UUID.class), rs.getString(2), lifted == null,
                        key == null ? null : Map.of("id", secrets.decrypt(key)), rs.getString(4),
                        rs.getTimestamp(5).toInstant(), lifted == null ? null : lifted.toInstant(), rs.getString(7)));
            }
        }
        return holds;
    }
}
