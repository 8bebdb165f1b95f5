package uz.himoya.deletion;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A request as the API shows it to its app. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeletionView(UUID id, DeletionStatus status, Instant receivedAt, Instant dueAt, Instant verifiedAt,
        Instant startedAt, Instant completedAt, Instant cancelledAt, Instant expiredAt, Instant failedAt,
        String error, Receipt receipt, Map<String, String> links) {
}
