package uz.himoya.retention;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.queue.SqsClients;

/** Picks the continuation queue by himoya.queue.kind, like queue.QueueProducer does for jobs. */
@ApplicationScoped
public class RetentionQueueProducer {
    private static final Logger LOG = Logger.getLogger(RetentionQueueProducer.class);

    @Produces
    @Singleton
    @DefaultBean
    RetentionQueue retentionQueue(HimoyaConfig config, SqsClients sqs, Instance<RetentionSweeper> sweeper) {
        return switch (config.queue().kind()) {
            // Unset URL: the sweep cannot hand on, and says so; the next scheduled sweep resumes the run.
            case "sqs" -> config.queue().retentionUrl().<RetentionQueue>map(url -> new SqsRetentionQueue(sqs, url))
                    .orElse(k -> {
                        throw new IllegalStateException("himoya.queue.retention-url is not set");
                    });
            // The local run: the continuation runs on a background thread, as the queue's consumer would.
            case "in-process" -> {
                var executor = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "himoya-retention-continuations");
                    t.setDaemon(true);
                    return t;
                });
                yield k -> executor.submit(() -> {
                    try {
                        sweeper.get().resume(k);
                    } catch (RuntimeException e) {
                        LOG.warnf("run=%s continuation failed (%s); the next sweep resumes it", k.runId(),
                                e.getClass().getSimpleName());
                    }
                });
            }
            default -> throw new IllegalStateException("himoya.queue.kind must be sqs or in-process, not "
                    + config.queue().kind());
        };
    }
}
