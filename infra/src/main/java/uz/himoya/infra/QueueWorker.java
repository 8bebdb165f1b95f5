package uz.himoya.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSourceProps;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * A function fed by its own SQS queue: function, queue, dead-letter queue, event source mapping
 * on the {@value HimoyaFunction#ALIAS} alias, and the alarms of all of them.
 */
public final class QueueWorker extends Construct {

    /** Five attempts absorb a database failover or a throttled burst before a human has to look. */
    static final int MAX_RECEIVE_COUNT = 5;
    /**
     * AWS guidance: the visibility timeout is at least six times the function timeout, so a batch
     * the function is still working on (or retrying) is not handed to a second invocation.
     */
    static final int VISIBILITY_TIMEOUT_FACTOR = 6;
    private static final int BATCH_SIZE = 10;

    private final HimoyaFunction handler;
    private final Queue queue;

    /**
     * @param queueName short name of the queue, e.g. {@code erasure-jobs}
     */
    public QueueWorker(Construct scope, String id, FunctionDefaults defaults, HimoyaFunction.Spec spec,
            String queueName) {
        this(scope, id, defaults, spec, queueName, BATCH_SIZE, defaults.settings().maxConcurrency());
    }

    /**
     * @param batchSize      messages per invocation (1 to 10)
     * @param maxConcurrency instances at most, where this worker needs fewer than the deploy's maxConcurrency
     */
    public QueueWorker(Construct scope, String id, FunctionDefaults defaults, HimoyaFunction.Spec spec,
            String queueName, int batchSize, int maxConcurrency) {
        super(scope, id);
        HimoyaSettings settings = defaults.settings();
        handler = new HimoyaFunction(this, "Handler", defaults, spec);

        String fullQueueName = settings.prefix() + "-" + queueName;
        DeadLetters deadLetters = new DeadLetters(this, "DeadLetters", fullQueueName + "-dlq", defaults.alarms());
        queue = Queue.Builder.create(this, "Queue")
                .queueName(fullQueueName)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .visibilityTimeout(Duration.seconds(spec.timeout().toSeconds().intValue() * VISIBILITY_TIMEOUT_FACTOR))
                .deadLetterQueue(DeadLetterQueue.builder()
                        .queue(deadLetters.queue())
                        .maxReceiveCount(MAX_RECEIVE_COUNT)
                        .build())
                .build();

        handler.live().addEventSource(new SqsEventSource(queue, SqsEventSourceProps.builder()
                .batchSize(batchSize)
                // The function reports the failed messages of a batch; only those are retried.
                .reportBatchItemFailures(true)
                // Caps the database connections one queue can take, however long the queue gets.
                .maxConcurrency(maxConcurrency)
                .build()));
    }

    /**
     * For a worker that queues follow-up work for itself (e.g. a sweep continuing where it
     * stopped): passes the queue URL in the given variable and allows sending to it.
     */
    public void letHandlerSendToOwnQueue(String urlVariable) {
        handler.function().addEnvironment(urlVariable, queue.getQueueUrl());
        queue.grantSendMessages(handler.function());
    }

    public HimoyaFunction handler() {
        return handler;
    }

    public Queue queue() {
        return queue;
    }
}
