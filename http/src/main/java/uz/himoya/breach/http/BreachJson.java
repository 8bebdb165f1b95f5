package uz.himoya.breach.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uz.himoya.breach.BreachCommand;
import uz.himoya.problem.Problem;

/** Decodes the ops' breach JSON into the core's command at the edge; shape errors are 422 with the field. */
final class BreachJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BreachJson() {
    }

    static JsonNode tree(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || root.isMissingNode()) {
                throw Problem.of(400, "malformed-json", "Malformed JSON", "The body is empty.");
            }
            return root;
        } catch (IOException e) {
            throw Problem.of(400, "malformed-json", "Malformed JSON", "The body is not valid JSON.");
        }
    }

    static BreachCommand command(byte[] body) {
        JsonNode root = tree(body);
        if (!root.isObject()) {
            throw Problem.of(400, "malformed-json", "Malformed JSON", "The body must be a JSON object.");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        Instant discovered = instant(root.path("discoveredAt"), "discoveredAt", errors);
        Instant from = instant(root.path("window").path("from"), "window.from", errors);
        Instant to = instant(root.path("window").path("to"), "window.to", errors);
        List<String> categories = new ArrayList<>();
        root.path("categories").forEach(c -> categories.add(c.asText()));
        Map<String, BreachCommand.NoticeContent> content = new LinkedHashMap<>();
        root.path("content").fields().forEachRemaining(e -> content.put(e.getKey(),
                new BreachCommand.NoticeContent(text(e.getValue(), "nature"), text(e.getValue(), "consequences"),
                        text(e.getValue(), "measures"), text(e.getValue(), "contact"))));
        BreachCommand.Selection selection = selection(root.path("affected"), errors);
        if (!errors.isEmpty()) {
            throw Problem.validation(errors);
        }
        return new BreachCommand(root.path("app").asText(null), root.path("title").asText(null), discovered, from,
                to, categories, content, selection);
    }

    /** A page of ids: a JSON array, or {"subjects": [...]}. */
    static List<String> ids(byte[] body) {
        JsonNode root = tree(body);
        JsonNode list = root.isArray() ? root : root.path("subjects");
        if (!list.isArray()) {
            throw Problem.validation(List.of(new Problem.FieldError("subjects", "send a JSON array of ids")));
        }
        List<String> ids = new ArrayList<>();
        list.forEach(n -> ids.add(n.isValueNode() ? n.asText() : null));
        return ids;
    }

    private static BreachCommand.Selection selection(JsonNode a, List<Problem.FieldError> errors) {
        int given = (a.has("subjects") ? 1 : 0) + (a.has("selector") ? 1 : 0) + (a.path("all").asBoolean() ? 1 : 0);
        if (given != 1) {
            errors.add(new Problem.FieldError("affected", "give exactly one of subjects, selector or all: true"));
            return null;
        }
        if (a.has("selector")) {
            return new BreachCommand.Selector(a.get("selector").asText());
        }
        if (a.has("subjects")) {
            if (!a.get("subjects").isArray()) {
                errors.add(new Problem.FieldError("affected.subjects", "must be an array of ids"));
                return null;
            }
            List<String> ids = new ArrayList<>();
            a.get("subjects").forEach(n -> ids.add(n.isValueNode() ? n.asText() : null));
            return new BreachCommand.Subjects(ids, a.path("more").asBoolean(false));
        }
        return new BreachCommand.All();
    }

    private static Instant instant(JsonNode n, String field, List<Problem.FieldError> errors) {
        if (!n.isTextual()) {
            errors.add(new Problem.FieldError(field, "is required (ISO-8601 instant, e.g. 2026-11-20T10:00:00Z)"));
            return null;
        }
        try {
            return Instant.parse(n.asText());
        } catch (DateTimeParseException e) {
            errors.add(new Problem.FieldError(field, "is not an ISO-8601 instant"));
            return null;
        }
    }

    private static String text(JsonNode n, String field) {
        return n.path(field).isTextual() ? n.path(field).asText() : null;
    }
}
