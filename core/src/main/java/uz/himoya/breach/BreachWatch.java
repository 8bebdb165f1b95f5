package uz.himoya.breach;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.db.Jdbc;
import uz.himoya.store.AppRegistry;
import uz.himoya.watchdog.DeadlineAlert;
import uz.himoya.watchdog.WatchdogCheck;

/**
 * The watchdog's view of breaches. Re-drive: notices SENDING past their lease (a notifier died) and
 * notices still PENDING long after sending started (a queue message was lost) are queued again; a
 * duplicate message sends nothing twice. Alerts, for ops only: incidents whose authority deadline (GDPR Art. 33:
 * 72 h, 152-FZ Art. 21(3.1): 24 h) is near or past without authority-notified, and incidents whose sending has
 * made no progress for himoya.breach.stall-alarm (breach-stalled).
 */
@ApplicationScoped
public class BreachWatch implements WatchdogCheck {
    private final Jdbc jdbc;
    private final BreachQueue queue;
    private final AppRegistry apps;
    private final HimoyaConfig config;

    public BreachWatch(Jdbc jdbc, BreachQueue queue, AppRegistry apps, HimoyaConfig config) {
        this.jdbc = jdbc;
        this.queue = queue;
        this.apps = apps;
        this.config = config;
    }

    @Override
    public String name() {
        return "breach-notices";
    }

    @Override
    public int redrive(Instant now) {
        record Range(UUID incident, int from, int to, int notices) {
        }
        List<Range> stuck = jdbc.list("""
                SELECT n.incident_id, min(n.seq), max(n.seq), count(*) FROM breach_notice n
                  JOIN breach_incident i ON i.id = n.incident_id
                 WHERE i.status = 'SENDING'
                   AND ((n.status = 'SENDING' AND n.lease_until < ?)
                     OR (n.status = 'PENDING' AND i.sending_started_at < ?))
                 GROUP BY n.incident_id""", ps -> {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now.minus(config.watchdog().redriveAfter())));
        }, rs -> new Range(rs.getObject(1, UUID.class), rs.getInt(2), rs.getInt(3), rs.getInt(4)));
        int total = 0;
        for (Range r : stuck) {
            queue.enqueue(r.incident(), r.from(), r.to());
            total += r.notices();
        }
        return total;
    }

    @Override
    public List<DeadlineAlert> alerts(Instant now, Instant warnUntil) {
        record Open(UUID id, String appId, String status, Instant discoveredAt) {
        }
        List<Open> open = jdbc.list("""
                SELECT id, app_id, status, discovered_at FROM breach_incident
                 WHERE authority_notified_at IS NULL ORDER BY discovered_at""",
                rs -> new Open(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getTimestamp(4).toInstant()));
        List<DeadlineAlert> alerts = new ArrayList<>();
        for (Open i : open) {
            Optional<Duration> duty = apps.serves(i.appId())
                    ? apps.app(i.appId()).jurisdiction().authorityNoticeDeadline() : Optional.empty();
            if (duty.isEmpty()) {
                continue; // UZ and KG: no authority notice duty found (shared/legal-duties.md)
            }
            Instant deadline = i.discoveredAt().plus(duty.get());
            if (!deadline.isAfter(warnUntil)) {
                alerts.add(new DeadlineAlert(i.appId(), "breach-authority", i.id().toString(), i.status(), deadline,
                        now.isAfter(deadline), null, true));
            }
        }
        alerts.addAll(stalled(now));
        return alerts;
    }

    /**
     * Incidents still sending, with notices left, whose last notice went out (or whose sending started) longer
     * than himoya.breach.stall-alarm ago. Due at that last progress plus the alarm, so always overdue.
     */
    private List<DeadlineAlert> stalled(Instant now) {
        Duration alarm = config.breach().stallAlarm();
        return jdbc.list("""
                SELECT i.id, i.app_id, i.status, COALESCE(max(n.sent_at), i.sending_started_at) FROM breach_incident i
                  JOIN breach_notice n ON n.incident_id = i.id
                 WHERE i.status = 'SENDING'
                 GROUP BY i.id, i.app_id, i.status, i.sending_started_at
                HAVING bool_or(n.status IN ('PENDING', 'SENDING'))
                   AND COALESCE(max(n.sent_at), i.sending_started_at) < ?""",
                ps -> ps.setTimestamp(1, Timestamp.from(now.minus(alarm))),
                rs -> new DeadlineAlert(rs.getString(2), "breach-stalled", rs.getObject(1, UUID.class).toString(),
                        rs.getString(3), rs.getTimestamp(4).toInstant().plus(alarm), true, null, true));
    }
}
