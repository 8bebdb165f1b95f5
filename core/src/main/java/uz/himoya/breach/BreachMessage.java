package uz.himoya.breach;

import java.util.Optional;
import java.util.UUID;
import uz.himoya.json.StrictJson;
import uz.himoya.problem.Problem;

/** {"incidentId","fromSeq","toSeq","retry"}: which notices a notifier invocation works on. */
public record BreachMessage(UUID incident, int fromSeq, int toSeq, int retry) {
    /** The message as it travels; read by StrictJson, so an extra or misspelt field makes it poison. */
    private record Wire(UUID incidentId, int fromSeq, int toSeq, Optional<Integer> retry) {
    }

    public static String body(UUID incident, int fromSeq, int toSeq, int retry) {
        return "{\"incidentId\":\"" + incident + "\",\"fromSeq\":" + fromSeq + ",\"toSeq\":" + toSeq + ",\"retry\":"
                + retry + "}";
    }

    public static Optional<BreachMessage> parse(String body) {
        if (body == null) {
            return Optional.empty();
        }
        try {
            Wire w = StrictJson.read(body, Wire.class);
            int retry = w.retry().orElse(0);
            if (w.fromSeq() < 1 || w.toSeq() < w.fromSeq() || retry < 0) {
                return Optional.empty();
            }
            return Optional.of(new BreachMessage(w.incidentId(), w.fromSeq(), w.toSeq(), retry));
        } catch (Problem p) {
            return Optional.empty();
        }
    }
}
