package uz.himoya.aws.sqs;

import java.time.Duration;
import java.util.UUID;
import uz.himoya.queue.JobMessages;
import uz.himoya.queue.JobQueue;

/** Sends deletion jobs to the erasure queue (himoya.queue.erasure-url). */
public class SqsJobQueue implements JobQueue {
    private final SqsClients sqs;
    private final String url;

    public SqsJobQueue(SqsClients sqs, String url) {
        this.sqs = sqs;
        this.url = url;
    }

    @Override
    public void enqueue(UUID requestId) {
        sqs.get().sendMessage(b -> b.queueUrl(url).messageBody(JobMessages.body(requestId)));
    }

    @Override
    public void enqueueLater(UUID requestId, Duration delay) {
        int seconds = JobQueue.delaySeconds(delay);
        sqs.get().sendMessage(b -> b.queueUrl(url).messageBody(JobMessages.body(requestId)).delaySeconds(seconds));
    }
}
