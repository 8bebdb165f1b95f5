package uz.himoya.watchdog;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import uz.himoya.db.Jdbc;
import uz.himoya.holds.HoldStore;

/**
 * Deletion requests due soon or overdue (Deepen 6.2: deletion within 14 days of the request; the app's
 * map or jurisdiction preset sets due_at). Verified work only: QUEUED, IN_PROGRESS, and FAILED (which waits
 * for a person). An unverified request is not the app's to act on, and lapses on its own.
 */
@ApplicationScoped
public class DeletionDeadlines implements WatchdogCheck {
    private final Jdbc jdbc;

    public DeletionDeadlines(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String name() {
        return "deletion-deadlines";
    }

    @Override
    public List<DeadlineAlert> alerts(Instant now, Instant warnUntil) {
        return jdbc.list("""
                SELECT app_id, id, status, due_at, last_error FROM deletion_request
                 WHERE status IN ('QUEUED', 'IN_PROGRESS', 'FAILED') AND due_at < ?
                 ORDER BY due_at, id LIMIT 5000""", ps -> ps.setTimestamp(1, Timestamp.from(warnUntil)), rs -> {
            Instant due = rs.getTimestamp(4).toInstant();
            String status = rs.getString(3);
            String note = status.equals("FAILED") ? "failed"
                    : HoldStore.HELD.equals(rs.getString(5)) ? HoldStore.HELD : null;
            return new DeadlineAlert(rs.getString(1), "deletion", rs.getString(2), status, due, !due.isAfter(now),
                    note, false);
        });
    }
}
