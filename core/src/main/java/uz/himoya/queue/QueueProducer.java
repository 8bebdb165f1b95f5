package uz.himoya.queue;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.deletion.DeletionWorker;

/** Picks the queue by himoya.queue.kind: SQS in AWS, in-process for the local run. */
@ApplicationScoped
public class QueueProducer {

    @Produces
    @Singleton
    SqsClients sqsClients(HimoyaConfig config) {
        return new SqsClients(config.queue());
    }

    @Produces
    @Singleton
    @DefaultBean
    JobQueue jobQueue(HimoyaConfig config, SqsClients sqs, Instance<DeletionWorker> worker) {
        return switch (config.queue().kind()) {
            case "sqs" -> new SqsJobQueue(sqs, config.queue().erasureUrl().orElseThrow(
                    () -> new IllegalStateException("himoya.queue.erasure-url is not set")));
            case "in-process" -> new InProcessJobQueue(batch -> worker.get().processBatch(batch));
            default -> throw new IllegalStateException("himoya.queue.kind must be sqs or in-process, not "
                    + config.queue().kind());
        };
    }
}
