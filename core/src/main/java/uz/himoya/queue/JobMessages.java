package uz.himoya.queue;

import java.util.Optional;
import java.util.UUID;
import uz.himoya.json.StrictJson;
import uz.himoya.problem.Problem;

/** The job message format: {"requestId":"&lt;uuid&gt;"}, read strictly like every other JSON input. */
public final class JobMessages {
    private record Job(UUID requestId) {
    }

    private JobMessages() {
    }

    public static String body(UUID requestId) {
        return "{\"requestId\":\"" + requestId + "\"}";
    }

    /** Empty for anything else, extra fields and a second document included: such a message is poison. */
    public static Optional<UUID> requestId(String body) {
        if (body == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StrictJson.read(body, Job.class).requestId());
        } catch (Problem p) {
            return Optional.empty();
        }
    }
}
