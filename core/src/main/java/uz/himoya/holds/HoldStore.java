package uz.himoya.holds;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import uz.himoya.crypto.Secrets;

/**
 * The SQL of legal holds, on the caller's connection and transaction.
 *
 * <p>Placing a hold and reading holds are ordered by a per-app advisory lock: placing takes it exclusively,
 * every reader (a sweep batch, an erasure) takes it shared for the rest of its transaction. So once a hold is
 * placed (201), no batch or erasure that read the holds before it is still uncommitted, and every later one
 * sees it: a sweep cannot delete a held subject's rows in the milliseconds around the placement.
 */
public final class HoldStore {
    /** The error code a request waiting for a hold carries (deletion_request.last_error). */
    public static final String HELD = "legal-hold";

    private static final String LOCK = "hashtextextended(?, 4)";

    /** An active hold: its id and ops' reason. */
    public record ActiveHold(UUID id, String reason) {
    }

    private HoldStore() {
    }

    public static void lockExclusive(Connection c, String appId) throws SQLException {
        lock(c, "SELECT pg_advisory_xact_lock(" + LOCK + ")", appId);
    }

    public static void lockShared(Connection c, String appId) throws SQLException {
        lock(c, "SELECT pg_advisory_xact_lock_shared(" + LOCK + ")", appId);
    }

    /** The active hold on a subject key, if any; takes the shared lock first. */
    public static Optional<ActiveHold> active(Connection c, Secrets secrets, String appId, String subjectKey)
            throws SQLException {
        lockShared(c, appId);
        try (PreparedStatement ps = c.prepareStatement("SELECT id, reason FROM legal_hold WHERE app_id = ?"
                + " AND subject_key_hash = ? AND lifted_at IS NULL ORDER BY placed_at LIMIT 1")) {
            ps.setString(1, appId);
            ps.setBytes(2, secrets.keyedHash(appId, "id", subjectKey));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new ActiveHold(rs.getObject(1, UUID.class), rs.getString(2)))
                        : Optional.empty();
            }
        }
    }

    /** Every held subject key of the app, unsealed; takes the shared lock first. */
    public static List<String> heldKeys(Connection c, Secrets secrets, String appId) throws SQLException {
        lockShared(c, appId);
        List<String> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT subject_key FROM legal_hold WHERE app_id = ? AND lifted_at IS NULL")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(secrets.decrypt(rs.getBytes(1)));
                }
            }
        }
        return keys;
    }

    private static void lock(Connection c, String sql, String appId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, "legal-hold:" + appId);
            ps.execute();
        }
    }
}
