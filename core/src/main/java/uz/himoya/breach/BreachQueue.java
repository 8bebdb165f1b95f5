package uz.himoya.breach;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.queue.SqsClients;

/**
 * Fans an incident's notices out as messages naming ranges of notice numbers. Messages carry no address:
 * the notice rows are the truth, so a lost message delays notices (the watchdog re-queues them) and a
 * repeated one sends nothing twice.
 */
@ApplicationScoped
public class BreachQueue {
    private final SqsClients sqs;
    private final HimoyaConfig config;

    public BreachQueue(SqsClients sqs, HimoyaConfig config) {
        this.sqs = sqs;
        this.config = config;
    }

    /** One message per range of batchSize notice numbers in [1, maxSeq], sent ten at a time. */
    public void enqueue(UUID incident, int fromSeq, int maxSeq) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        int size = config.breach().batchSize();
        for (int from = fromSeq; from <= maxSeq; from += size) {
            entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(entries.size()))
                    .messageBody(BreachMessage.body(incident, from, Math.min(maxSeq, from + size - 1), 0)).build());
            if (entries.size() == 10) {
                send(entries);
                entries.clear();
            }
        }
        if (!entries.isEmpty()) {
            send(entries);
        }
    }

    /** The same range again after an outage, delayed so a down SMTP server is not hammered. */
    public void retryLater(BreachMessage m, long delaySeconds) {
        sqs.get().sendMessage(b -> b.queueUrl(url()).delaySeconds((int) Math.min(900, delaySeconds))
                .messageBody(BreachMessage.body(m.incident(), m.fromSeq(), m.toSeq(), m.retry() + 1)));
    }

    private void send(List<SendMessageBatchRequestEntry> entries) {
        var result = sqs.get().sendMessageBatch(b -> b.queueUrl(url()).entries(entries));
        if (!result.failed().isEmpty()) {
            throw new IllegalStateException("SQS refused " + result.failed().size() + " breach messages");
        }
    }

    private String url() {
        return config.queue().breachUrl().orElseThrow(() -> new IllegalStateException(
                "himoya.queue.breach-url is not set"));
    }
}
