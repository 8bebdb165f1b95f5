package uz.himoya.aws;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import uz.himoya.aws.sqs.SqsBreachQueue;
import uz.himoya.aws.sqs.SqsClients;
import uz.himoya.aws.sqs.SqsJobQueue;
import uz.himoya.breach.BreachQueue;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.deletion.DeletionWorker;
import uz.himoya.queue.InProcessJobQueue;
import uz.himoya.queue.JobQueue;

/**
 * Picks the job queue by himoya.queue.kind: SQS in AWS, in-process for the local run. It lives here, beside
 * the SQS implementation, because wiring the in-process queue to the worker needs deletion: core's queue
 * package stays a port that depends on no workflow.
 */
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
            default -> throw unknownKind(config);
        };
    }

    /**
     * Breach notices always go through SQS (or the compatible server at himoya.queue.endpoint), as they did
     * before the split: there is no in-process notifier, and the local run brings ElasticMQ.
     */
    @Produces
    @Singleton
    @DefaultBean
    BreachQueue breachQueue(HimoyaConfig config, SqsClients sqs) {
        return new SqsBreachQueue(sqs, config.queue().breachUrl(), config.breach().batchSize());
    }

    static IllegalStateException unknownKind(HimoyaConfig config) {
        return new IllegalStateException("himoya.queue.kind must be sqs or in-process, not " + config.queue().kind());
    }
}
