package uz.himoya.watchdog;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import uz.himoya.db.Jdbc;

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

    private final Jdbc jdbc;

    public WaitingSystems(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String name() {
        return "deletion-systems";
    }

    @Override
    public List<DeadlineAlert> alerts(Instant now, Instant warnUntil) {
        return jdbc.list("""
                SELECT r.app_id, r.id, s.part, s.status, r.due_at FROM deletion_step s
                  JOIN deletion_request r ON r.id = s.request_id
                 WHERE r.status = 'IN_PROGRESS' AND r.due_at < ? AND s.part LIKE 'system:%'
                   AND (s.status = 'WAITING' OR (s.status = 'PENDING' AND s.attempts > 0))
                 ORDER BY r.due_at, r.id, s.part LIMIT 5000""", ps -> ps.setTimestamp(1, Timestamp.from(warnUntil)),
                rs -> {
                    Instant due = rs.getTimestamp(5).toInstant();
                    String status = rs.getString(4).equals("WAITING") ? "WAITING" : "RETRYING";
                    return new DeadlineAlert(rs.getString(1), KIND, rs.getString(2), status, due, !due.isAfter(now),
                            rs.getString(3).substring("system:".length()), false);
                });
    }
}
