package uz.himoya.aws.sqs;

import uz.himoya.retention.Continuation;
import uz.himoya.retention.RetentionQueue;

/** Sends continuations to SQS (himoya.queue.retention-url), on the function's one shared SQS client. */
public class SqsRetentionQueue implements RetentionQueue {
    private final SqsClients sqs;
    private final String url;

    public SqsRetentionQueue(SqsClients sqs, String url) {
        this.sqs = sqs;
        this.url = url;
    }

    @Override
    public void send(Continuation continuation) {
        sqs.get().sendMessage(b -> b.queueUrl(url).messageBody(continuation.body()));
    }
}
