package uz.himoya.retention;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A legal hold as ops see it. The subject ({"id": key}) is shown only while the hold is active: a lifted
 * hold no longer keeps the key (only its keyed hash, for the record).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HoldView(UUID id, String appId, boolean active, Map<String, String> subject, String reason,
        Instant placedAt, Instant liftedAt, String liftReason) {
}
