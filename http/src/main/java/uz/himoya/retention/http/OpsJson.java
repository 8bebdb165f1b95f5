package uz.himoya.retention.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import uz.himoya.http.JsonFields;
import uz.himoya.problem.Problem;
import uz.himoya.retention.HoldCommand;

/**
 * Decodes the ops bodies at the edge: malformed JSON is a 400, wrong shapes a 422 listing every field.
 * Unknown fields are refused, so a misspelt field can never be silently ignored.
 */
final class OpsJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OpsJson() {
    }

    /** The body as a tree; an empty body is a JSON null (every field optional). */
    static JsonNode tree(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw Problem.of(400, "malformed-json", "Malformed JSON", "The body is not valid JSON.");
        }
    }

    /** {"subject": {"id" | "email"}, "reason": "..."} */
    static HoldCommand hold(byte[] body) {
        JsonNode root = object(tree(body));
        List<Problem.FieldError> errors = new ArrayList<>();
        JsonFields.unknown(root, Set.of("subject", "reason"), "", errors);
        JsonNode subject = root.get("subject");
        Optional<String> id = Optional.empty();
        Optional<String> email = Optional.empty();
        if (subject == null || !subject.isObject()) {
            errors.add(new Problem.FieldError("subject", "must be an object with id or email"));
        } else {
            JsonFields.unknown(subject, Set.of("id", "email"), "subject.", errors);
            id = JsonFields.text(subject.get("id"), "subject.id", true, errors);
            email = JsonFields.text(subject.get("email"), "subject.email", false, errors);
        }
        Optional<String> reason = JsonFields.text(root.get("reason"), "reason", false, errors);
        if (!errors.isEmpty()) {
            throw Problem.validation(errors);
        }
        return new HoldCommand(id, email, reason.orElse(null));
    }

    /** An optional {"reason": "..."} for lifting a hold. */
    static Optional<String> liftReason(byte[] body) {
        JsonNode root = tree(body);
        if (root == null) {
            return Optional.empty();
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        JsonFields.unknown(object(root), Set.of("reason"), "", errors);
        Optional<String> reason = JsonFields.text(root.get("reason"), "reason", false, errors);
        if (reason.isPresent() && reason.get().length() > 500) {
            errors.add(new Problem.FieldError("reason", "must be at most 500 characters"));
        }
        if (!errors.isEmpty()) {
            throw Problem.validation(errors);
        }
        return reason;
    }

    /** A malformed id cannot name anything: the same 404 as an unknown one. */
    static UUID uuid(String id, String what) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw Problem.notFound(what);
        }
    }

    private static JsonNode object(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw Problem.of(400, "malformed-json", "Malformed JSON", "The body must be a JSON object.");
        }
        return n;
    }


}
