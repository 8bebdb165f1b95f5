package uz.himoya.watchdog;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The app's systems (webhooks) that still owe their part of a deletion due soon or overdue: WAITING for the
 * callback they promised with a 202, or PENDING after failed attempts (5xx, timeouts, not configured). Their
 * request is on the digest already; this says which system holds it up, before the due date passes
 * (Deepen 6.2: deletion within 14 days of the request). Its own section of the digest (kind
 * {@value #KIND}): reference is the request id, status WAITING or RETRYING, note the system's name from
 * the map (never a subject's data).
 */
@ApplicationScoped
public class WaitingSystems implements WatchdogCheck {
    public static final String KIND = "deletion-system";

    private final AgroalDataSource dataSource;

    public WaitingSystems(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public String name() {
        return "deletion-systems";
    }

    @Override
    public List<DeadlineAlert> alerts(Instant now, Instant warnUntil) {
        List<DeadlineAlert> alerts = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT r.app_id, r.id, s.part, s.status, r.due_at FROM deletion_step s
                  JOIN deletion_request r ON r.id = s.request_id
                 WHERE r.status = 'IN_PROGRESS' AND r.due_at < ? AND s.part LIKE 'system:%'
                   AND (s.status = 'WAITING' OR (s.status = 'PENDING' AND s.attempts > 0))
                 ORDER BY r.due_at, r.id, s.part LIMIT 5000""")) {
            ps.setTimestamp(1, Timestamp.from(warnUntil));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant due = rs.getTimestamp(5).toInstant();
                    String status = rs.getString(4).equals("WAITING") ? "WAITING" : "RETRYING";
                    alerts.add(new DeadlineAlert(rs.getString(1), KIND, rs.getString(2), status, due,
                            !due.isAfter(now), rs.getString(3).substring("system:".length()), false));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("database error " + e.getSQLState(), e);
        }
        return alerts;
    }
}
