package uz.himoya.watchdog;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.db.Jdbc;
import uz.himoya.deletion.DeletionService;
import uz.himoya.holds.HoldStore;

/**
 * Deletion work whose queue message was lost or whose worker died, enqueued again (the worker decides from
 * the database what is due, so a duplicate changes nothing):
 * <ul>
 * <li>IN_PROGRESS or QUEUED past its lease (a worker crashed mid-erasure);</li>
 * <li>QUEUED and never enqueued (the queue was down at intake), or enqueued longer ago than
 * himoya.watchdog.redrive-after; a request waiting for a legal hold is left alone (lifting drives it);</li>
 * <li>AWAITING_VERIFICATION with its verification mail unsent, while the link could still be used;</li>
 * <li>COMPLETED with its confirmation mail unsent.</li>
 * </ul>
 */
@ApplicationScoped
public class DeletionRedrive implements WatchdogCheck {
    private final Jdbc jdbc;
    private final DeletionService deletions;
    private final HimoyaConfig config;

    public DeletionRedrive(Jdbc jdbc, DeletionService deletions, HimoyaConfig config) {
        this.jdbc = jdbc;
        this.deletions = deletions;
        this.config = config;
    }

    @Override
    public String name() {
        return "deletion-redrive";
    }

    @Override
    public int redrive(Instant now) {
        Timestamp at = Timestamp.from(now);
        Timestamp stale = Timestamp.from(now.minus(config.watchdog().redriveAfter()));
        List<UUID> stuck = jdbc.list("""
                SELECT id FROM deletion_request WHERE
                   (status IN ('QUEUED', 'IN_PROGRESS') AND lease_until IS NOT NULL AND lease_until < ?)
                OR (status = 'QUEUED' AND lease_until IS NULL AND (enqueued_at IS NULL
                    OR (enqueued_at < ? AND last_error IS DISTINCT FROM ?)))
                OR (status = 'AWAITING_VERIFICATION' AND mail_pending = 'VERIFICATION' AND token_expires_at > ?
                    AND (enqueued_at IS NULL OR enqueued_at < ?))
                OR (status = 'COMPLETED' AND mail_pending = 'CONFIRMATION' AND (enqueued_at IS NULL OR enqueued_at < ?))
                OR (status = 'CANCELLED' AND mail_pending = 'NOT_ME' AND (enqueued_at IS NULL OR enqueued_at < ?))
                ORDER BY received_at LIMIT 1000""", ps -> {
            ps.setTimestamp(1, at);
            ps.setTimestamp(2, stale);
            ps.setString(3, HoldStore.HELD);
            ps.setTimestamp(4, at);
            ps.setTimestamp(5, stale);
            ps.setTimestamp(6, stale);
            ps.setTimestamp(7, stale); // a "this wasn't me" notice to the app's contact still owed
        }, rs -> rs.getObject(1, UUID.class));
        stuck.forEach(deletions::enqueueIfNotYet);
        return stuck.size();
    }
}
