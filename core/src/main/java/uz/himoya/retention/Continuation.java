package uz.himoya.retention;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import uz.himoya.json.StrictJson;
import uz.himoya.problem.Problem;

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

    /** Empty for anything that is not exactly a continuation message (read by StrictJson). */
    public static Optional<Continuation> parse(String body) {
        if (body == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StrictJson.read(body, Continuation.class));
        } catch (Problem p) {
            return Optional.empty();
        }
    }
}
