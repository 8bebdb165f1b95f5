package uz.himoya.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/** A dead-letter queue with an alarm on its first message. */
public final class DeadLetters extends Construct {

    private final Queue queue;

    public DeadLetters(Construct scope, String id, String queueName, Alarms alarms) {
        super(scope, id);
        queue = Queue.Builder.create(this, "Queue")
                .queueName(queueName)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                // The maximum SQS allows: time to notice the alarm, fix the cause and redrive.
                .retentionPeriod(Duration.days(14))
                .build();
        alarms.onDeadLetters(this, queue, queueName);
    }

    public Queue queue() {
        return queue;
    }
}
