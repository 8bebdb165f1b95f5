package uz.himoya.retention;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The continuation queue of the local run (himoya.queue.kind=in-process): the continuation runs on a
 * background thread, as the queue's consumer would. A failure is only logged: the run keeps its cursor,
 * and the next scheduled sweep resumes it.
 */
public class InProcessRetentionQueue implements RetentionQueue {
    private static final Logger LOG = Logger.getLogger(InProcessRetentionQueue.class);

    private final Consumer<Continuation> consumer;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "himoya-retention-continuations");
        t.setDaemon(true);
        return t;
    });

    /** @param consumer what the queue's consumer does with a continuation: the sweeper's resume */
    public InProcessRetentionQueue(Consumer<Continuation> consumer) {
        this.consumer = consumer;
    }

    @Override
    public void send(Continuation continuation) {
        executor.submit(() -> {
            try {
                consumer.accept(continuation);
            } catch (RuntimeException e) {
                LOG.warnf("run=%s continuation failed (%s); the next sweep resumes it", continuation.runId(),
                        e.getClass().getSimpleName());
            }
        });
    }

    public void shutdown() {
        executor.shutdownNow();
    }
}
