package uz.himoya.retention;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import uz.himoya.db.SqlErrors;
import uz.himoya.queue.QueueMessage;

/**
 * Consumes a batch of continuation messages (the retention queue) message by message and returns the ids to
 * redeliver: a message that is not a continuation (it goes to the dead-letter queue after its retries) or
 * whose run met an outage. A finished or unknown run is done: its message goes.
 */
@ApplicationScoped
public class ContinuationBatch {
    private static final Logger LOG = Logger.getLogger(ContinuationBatch.class);

    private final RetentionSweeper sweeper;

    public ContinuationBatch(RetentionSweeper sweeper) {
        this.sweeper = sweeper;
    }

    public List<String> process(List<QueueMessage> batch) {
        List<String> failed = new ArrayList<>();
        for (QueueMessage m : batch) {
            Optional<Continuation> k = Continuation.parse(m.body());
            if (k.isEmpty()) {
                LOG.warnf("message=%s is not a retention continuation; left for the dead-letter queue",
                        m.messageId());
                failed.add(m.messageId());
                continue;
            }
            try {
                sweeper.resume(k.get());
            } catch (RuntimeException e) {
                LOG.warnf("run=%s continuation failed: %s", k.get().runId(), SqlErrors.code(e));
                failed.add(m.messageId());
            }
        }
        return failed;
    }
}
