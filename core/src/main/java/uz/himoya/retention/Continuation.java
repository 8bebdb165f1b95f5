package uz.himoya.retention;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;

/**
 * The message a sweep short of time leaves on the retention queue: {"runId": "...", "timeBudget": "PT5M"}.
 * It names the run only; the cursor and the cut-offs are in the run record, so a lost or repeated message
 * delays the run but cannot change what it removes.
 */
public record Continuation(UUID runId, Optional<Duration> timeBudget) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public String body() {
        ObjectNode n = JSON.createObjectNode().put("runId", runId.toString());
        timeBudget.ifPresent(b -> n.put("timeBudget", b.toString()));
        return n.toString();
    }

    /** Empty for anything that is not a continuation message. */
    public static Optional<Continuation> parse(String body) {
        try {
            JsonNode n = body == null ? null : JSON.readTree(body);
            if (n == null || !n.isObject() || !n.path("runId").isTextual()) {
                return Optional.empty();
            }
            Optional<Duration> budget = n.path("timeBudget").isTextual()
                    ? Optional.of(Duration.parse(n.get("timeBudget").asText()))
                    : Optional.empty();
            return Optional.of(new Continuation(UUID.fromString(n.get("runId").asText()), budget));
        } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
