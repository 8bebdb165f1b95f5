package uz.himoya.aws;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import uz.himoya.aws.sqs.SqsClients;
import uz.himoya.aws.sqs.SqsRetentionQueue;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.retention.InProcessRetentionQueue;
import uz.himoya.retention.RetentionQueue;
import uz.himoya.retention.RetentionSweeper;

/** Picks the continuation queue by himoya.queue.kind, like {@link QueueProducer} does for jobs. */
@ApplicationScoped
public class RetentionQueueProducer {

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
            case "in-process" -> new InProcessRetentionQueue(k -> sweeper.get().resume(k));
            default -> throw QueueProducer.unknownKind(config);
        };
    }
}
