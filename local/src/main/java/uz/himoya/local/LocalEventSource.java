package uz.himoya.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * An SQS event source mapping on loopback: polls a queue, invokes the function with the SQS event Lambda
 * would build, deletes the messages the function did not report in batchItemFailures, and lets the
 * failed ones come back after a visibility timeout, as ReportBatchItemFailures does in AWS.
 */
public final class LocalEventSource implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Thread thread;
    private volatile boolean running = true;

    public LocalEventSource(SqsClient sqs, String queueUrl, String queueArn, LocalLambda function,
            int retryAfterSeconds) {
        thread = new Thread(() -> {
            while (running) {
                try {
                    List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                            .waitTimeSeconds(1).messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                            .messages();
                    if (batch.isEmpty()) {
                        continue;
                    }
                    Set<String> failed = new HashSet<>();
                    try {
                        JsonNode out = JSON.readTree(function.invoke(event(batch, queueArn), Duration.ofMinutes(2)));
                        out.path("batchItemFailures").forEach(f -> failed.add(f.path("itemIdentifier").asText()));
                    } catch (RuntimeException e) {
                        batch.forEach(m -> failed.add(m.messageId())); // a function error fails the whole batch
                    }
                    for (Message m : batch) {
                        if (failed.contains(m.messageId())) {
                            sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle())
                                    .visibilityTimeout(retryAfterSeconds));
                        } else {
                            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                        }
                    }
                } catch (Exception e) {
                    if (running) {
                        System.err.println("[local] event source: " + e.getClass().getSimpleName());
                        sleep();
                    }
                }
            }
        }, "event-source");
        thread.setDaemon(true);
        thread.start();
    }

    static String event(List<Message> batch, String queueArn) throws Exception {
        List<Map<String, Object>> records = batch.stream().map(m -> Map.<String, Object>of("messageId",
                m.messageId(), "receiptHandle", m.receiptHandle(), "body", m.body(), "attributes",
                m.attributesAsStrings(), "messageAttributes", Map.of(), "md5OfBody", m.md5OfBody(), "eventSource",
                "aws:sqs", "eventSourceARN", queueArn, "awsRegion", "eu-central-1")).toList();
        return JSON.writeValueAsString(Map.of("Records", records));
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
    }
}
