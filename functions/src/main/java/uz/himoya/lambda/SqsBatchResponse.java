package uz.himoya.lambda;

import java.util.List;

/**
 * The partial batch response Lambda reads when the event source mapping has ReportBatchItemFailures:
 * only the listed messages are redelivered, the others are deleted from the queue.
 */
public record SqsBatchResponse(List<Failure> batchItemFailures) {

    public record Failure(String itemIdentifier) {
    }

    public static SqsBatchResponse of(List<String> failedMessageIds) {
        return new SqsBatchResponse(failedMessageIds.stream().map(Failure::new).toList());
    }
}
