package uz.himoya.breach;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;
import uz.himoya.db.Jdbc;
import uz.himoya.queue.QueueMessage;

/**
 * Records what the mail provider reported after accepting a breach notice (issue 12, part 2), so that the
 * incident's report stays true: a notice SES accepted and the receiving side then returned did not tell its
 * user, and is counted as bounced, not as sent.
 *
 * <ul>
 * <li>A bounce makes the notice BOUNCED, final like FAILED. A notice still PENDING or SENDING (its sender died
 * between the send and its mark) is bounced too, and is then not sent again to an address that returns it.</li>
 * <li>A complaint proves the notice arrived: it records complained_at, and a notice whose sender died before its
 * mark becomes SENT, so it is not repeated to a user who already marked it as spam.</li>
 * <li>The same event twice (SNS and SQS deliver at least once) changes nothing the second time; an event for a
 * notice that no longer exists (the sweep deleted a closed incident) is acknowledged and dropped.</li>
 * </ul>
 */
@ApplicationScoped
public class BreachFeedback {
    private static final Logger LOG = Logger.getLogger(BreachFeedback.class);

    private final Jdbc jdbc;
    private final Clock clock;

    public BreachFeedback(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Applies a batch of provider events, each decoded by decode: empty for an event about another mail (a
     * verification, a digest), IllegalArgumentException for one that is not an event at all. Returns the ids of
     * the messages to redeliver: those, after their retries, go to the dead-letter queue.
     */
    public List<String> processBatch(List<QueueMessage> batch, Function<String, Optional<NoticeFeedback>> decode) {
        List<String> failed = new ArrayList<>();
        for (QueueMessage m : batch) {
            Optional<NoticeFeedback> feedback;
            try {
                feedback = decode.apply(m.body());
            } catch (IllegalArgumentException e) {
                // The decoder's messages are fixed texts: the body (which holds the recipient) is never quoted.
                LOG.warnf("message=%s is not a mail feedback event (%s); left for the dead-letter queue",
                        m.messageId(), e.getMessage());
                failed.add(m.messageId());
                continue;
            }
            if (feedback.isEmpty()) {
                LOG.debugf("message=%s is about no breach notice; acknowledged", m.messageId());
                continue;
            }
            try {
                record(feedback.get());
            } catch (RuntimeException e) {
                LOG.warnf("breach=%s notice %d: feedback not recorded (%s); retried", feedback.get().incident(),
                        feedback.get().seq(), e.getClass().getSimpleName());
                failed.add(m.messageId());
            }
        }
        return failed;
    }

    /** true when the notice changed; false for a repeat or a notice that no longer exists. */
    public boolean record(NoticeFeedback f) {
        Instant now = clock.instant();
        boolean changed = jdbc.inNewTransaction(c -> {
            int n = switch (f.kind()) {
                case BOUNCED -> BreachStore.update(c, "UPDATE breach_notice SET status = 'BOUNCED', address = NULL,"
                        + " sealed_address = NULL, lease_until = NULL, last_error = ?"
                        + " WHERE incident_id = ? AND seq = ? AND status IN ('PENDING', 'SENDING', 'SENT')",
                        f.code(), f.incident(), f.seq());
                case COMPLAINED -> BreachStore.update(c, "UPDATE breach_notice SET complained_at = ?,"
                        + " sent_at = COALESCE(sent_at, ?),"
                        + " address = CASE WHEN status IN ('PENDING', 'SENDING') THEN NULL ELSE address END,"
                        + " sealed_address = CASE WHEN status IN ('PENDING', 'SENDING') THEN NULL ELSE sealed_address END,"
                        + " lease_until = NULL,"
                        + " status = CASE WHEN status IN ('PENDING', 'SENDING') THEN 'SENT' ELSE status END"
                        + " WHERE incident_id = ? AND seq = ? AND complained_at IS NULL", now, now, f.incident(),
                        f.seq());
            };
            if (n > 0) {
                // The last open notice of an incident may have been the one a sender died on.
                BreachNotifier.completeIfDone(c, f.incident(), now);
            }
            return n > 0;
        });
        LOG.infof("breach=%s notice %d: %s (%s)%s", f.incident(), f.seq(), f.kind(), f.code(),
                changed ? "" : ", already recorded or no such notice");
        return changed;
    }
}
