package uz.himoya.breach;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.store.AppRegistry;
import uz.himoya.watchdog.DeadlineAlert;
import uz.himoya.watchdog.WatchdogCheck;

/**
 * The watchdog's view of breaches. Re-drive: notices SENDING past their lease (a notifier died) and
 * notices still PENDING long after sending started (a queue message was lost) are queued again; a
 * duplicate message sends nothing twice. Alerts: incidents whose authority deadline (GDPR Art. 33: 72 h,
 * 152-FZ Art. 21(3.1): 24 h) is near or past without authority-notified, for ops only.
 */
@ApplicationScoped
public class BreachWatch implements WatchdogCheck {
    private final AgroalDataSource dataSource;
    private final BreachQueue queue;
    private final AppRegistry apps;
    private final HimoyaConfig config;

    public BreachWatch(AgroalDataSource dataSource, BreachQueue queue, AppRegistry apps, HimoyaConfig config) {
        this.dataSource = dataSource;
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
        List<Range> stuck = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT n.incident_id, min(n.seq), max(n.seq), count(*) FROM breach_notice n
                  JOIN breach_incident i ON i.id = n.incident_id
                 WHERE i.status = 'SENDING'
                   AND ((n.status = 'SENDING' AND n.lease_until < ?)
                     OR (n.status = 'PENDING' AND i.sending_started_at < ?))
                 GROUP BY n.incident_id""")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now.minus(config.watchdog().redriveAfter())));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stuck.add(new Range(rs.getObject(1, UUID.class), rs.getInt(2), rs.getInt(3), rs.getInt(4)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("database error " + e.getSQLState(), e);
        }
        int total = 0;
        for (Range r : stuck) {
            queue.enqueue(r.incident(), r.from(), r.to());
            total += r.notices();
        }
        return total;
    }

    @Override
    public List<DeadlineAlert> alerts(Instant now, Instant warnUntil) {
        List<DeadlineAlert> alerts = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT id, app_id, status, discovered_at FROM breach_incident
                 WHERE authority_notified_at IS NULL ORDER BY discovered_at""")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String appId = rs.getString(2);
                    Optional<Duration> duty = apps.serves(appId)
                            ? apps.app(appId).jurisdiction().authorityNoticeDeadline() : Optional.empty();
                    if (duty.isEmpty()) {
                        continue; // UZ and KG: no authority notice duty found (shared/legal-duties.md)
                    }
                    Instant deadline = rs.getTimestamp(4).toInstant().plus(duty.get());
                    if (!deadline.isAfter(warnUntil)) {
                        alerts.add(new DeadlineAlert(appId, "breach-authority", rs.getObject(1, UUID.class).toString(),
                                rs.getString(3), deadline, now.isAfter(deadline), null, true));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("database error " + e.getSQLState(), e);
        }
        return alerts;
    }
}
