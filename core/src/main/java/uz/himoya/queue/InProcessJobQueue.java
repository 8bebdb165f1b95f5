package uz.himoya.queue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The queue of the local run: jobs run on a background thread through the same batch processor the SQS
 * worker uses, and a failed job is retried with backoff as SQS would redeliver it. Not for production:
 * a crash loses the in-memory queue (the database still holds the work; the watchdog re-drives it).
 */
public class InProcessJobQueue implements JobQueue {
    private static final Logger LOG = Logger.getLogger(InProcessJobQueue.class);
    private static final int MAX_RECEIVES = 5;

    private final Function<List<QueueMessage>, List<String>> processor;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "himoya-in-process-queue");
        t.setDaemon(true);
        return t;
    });

    /** @param processor a batch processor returning the ids of failed messages */
    public InProcessJobQueue(Function<List<QueueMessage>, List<String>> processor) {
        this.processor = processor;
    }

    @Override
    public void enqueue(UUID requestId) {
        schedule(requestId, 1, 0);
    }

    @Override
    public void enqueueLater(UUID requestId, Duration delay) {
        schedule(requestId, 1, JobQueue.delaySeconds(delay) * 1000L);
    }

    private void schedule(UUID requestId, int receive, long delayMillis) {
        executor.schedule(() -> {
            String id = requestId + "#" + receive;
            List<String> failed = processor.apply(List.of(new QueueMessage(id, JobMessages.body(requestId))));
            if (!failed.isEmpty()) {
                if (receive < MAX_RECEIVES) {
                    schedule(requestId, receive + 1, 1000L << receive);
                } else {
                    LOG.warnf("request=%s job failed %d times; left for the watchdog", requestId, receive);
                }
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    public void shutdown() {
        executor.shutdownNow();
    }
}
