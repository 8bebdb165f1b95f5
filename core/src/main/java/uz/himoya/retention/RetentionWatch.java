package uz.himoya.retention;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import uz.himoya.db.Jdbc;
import uz.himoya.watchdog.DeadlineAlert;
import uz.himoya.watchdog.WatchdogCheck;

/**
 * The watchdog's view of retention: an app whose latest sweep FAILED is reported to ops (the note is the
 * first failed rule's error code, e.g. {@code row-guard}), until a later sweep of the app completes. A failed
 * rule means data is kept past what the app's policy promises (Qlever 5.3, MEGABITE-CRM 6.3), and a
 * {@code row-guard} failure means a batch met rows it did not pick; both need a person.
 */
@ApplicationScoped
public class RetentionWatch implements WatchdogCheck {
    private final Jdbc jdbc;

    public RetentionWatch(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String name() {
        return "retention-runs";
    }

    @Override
    public List<DeadlineAlert> alerts(Instant now, Instant warnUntil) {
        return jdbc.list("""
                SELECT id, app_id, status, finished_at, (SELECT x.error FROM retention_run_rule x
                         WHERE x.run_id = latest.id AND x.status = 'FAILED' ORDER BY x.position LIMIT 1)
                  FROM (SELECT DISTINCT ON (app_id) id, app_id, status, finished_at FROM retention_run
                         WHERE NOT dry_run AND status IN ('COMPLETED', 'FAILED')
                         ORDER BY app_id, started_at DESC) latest
                 WHERE status = 'FAILED' ORDER BY app_id""",
                rs -> new DeadlineAlert(rs.getString(2), "retention-run", rs.getString(1), rs.getString(3),
                        rs.getTimestamp(4).toInstant(), true, rs.getString(5), true));
    }
}
