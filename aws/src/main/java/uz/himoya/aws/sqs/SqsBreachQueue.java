package uz.himoya.aws.sqs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import uz.himoya.breach.BreachMessage;
import uz.himoya.breach.BreachQueue;

/**
 * The breach notices queue on SQS (himoya.queue.breach-url). An unset URL fails the send, not the start:
 * the HTTP function serves every other route without it.
 */
public class SqsBreachQueue implements BreachQueue {
    /** SQS takes at most ten entries per SendMessageBatch, and a DelaySeconds of at most 900. */
    static final int MAX_BATCH = 10;
    static final int MAX_DELAY_SECONDS = 900;

    private final SqsClients sqs;
    private final Optional<String> url;
    private final int batchSize;

    /** @param batchSize notice numbers per message (himoya.breach.batch-size) */
    public SqsBreachQueue(SqsClients sqs, Optional<String> url, int batchSize) {
        this.sqs = sqs;
        this.url = url;
        this.batchSize = batchSize;
    }

    /** One message per range of batchSize notice numbers in [fromSeq, maxSeq], sent ten at a time. */
    @Override
    public void enqueue(UUID incident, int fromSeq, int maxSeq) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int from = fromSeq; from <= maxSeq; from += batchSize) {
            entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(entries.size()))
                    .messageBody(BreachMessage.body(incident, from, Math.min(maxSeq, from + batchSize - 1), 0))
                    .build());
            if (entries.size() == MAX_BATCH) {
                send(entries);
                entries.clear();
            }
        }
        if (!entries.isEmpty()) {
            send(entries);
        }
    }

    @Override
    public void retryLater(BreachMessage m, long delaySeconds) {
        sqs.get().sendMessage(b -> b.queueUrl(url()).delaySeconds((int) Math.min(MAX_DELAY_SECONDS, delaySeconds))
                .messageBody(BreachMessage.body(m.incident(), m.fromSeq(), m.toSeq(), m.retry() + 1)));
    }

    @Override
    public void handOn(BreachMessage m) {
        sqs.get().sendMessage(b -> b.queueUrl(url())
                .messageBody(BreachMessage.body(m.incident(), m.fromSeq(), m.toSeq(), m.retry())));
    }

    private void send(List<SendMessageBatchRequestEntry> entries) {
        var result = sqs.get().sendMessageBatch(b -> b.queueUrl(url()).entries(entries));
        if (!result.failed().isEmpty()) {
            throw new IllegalStateException("SQS refused " + result.failed().size() + " breach messages");
        }
    }

    private String url() {
        return url.orElseThrow(() -> new IllegalStateException("himoya.queue.breach-url is not set"));
    }
}
