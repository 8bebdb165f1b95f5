package uz.himoya.breach;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.UUID;

/** {"incidentId","fromSeq","toSeq","retry"}: which notices a notifier invocation works on. */
public record BreachMessage(UUID incident, int fromSeq, int toSeq, int retry) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static String body(UUID incident, int fromSeq, int toSeq, int retry) {
        return "{\"incidentId\":\"" + incident + "\",\"fromSeq\":" + fromSeq + ",\"toSeq\":" + toSeq + ",\"retry\":"
                + retry + "}";
    }

    public static Optional<BreachMessage> parse(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.path("incidentId").isTextual() || !n.path("fromSeq").isInt()
                    || !n.path("toSeq").isInt()) {
                return Optional.empty();
            }
            int from = n.get("fromSeq").intValue();
            int to = n.get("toSeq").intValue();
            if (from < 1 || to < from) {
                return Optional.empty();
            }
            return Optional.of(new BreachMessage(UUID.fromString(n.get("incidentId").asText()), from, to,
                    n.path("retry").asInt(0)));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
