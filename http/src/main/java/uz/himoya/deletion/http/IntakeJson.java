package uz.himoya.deletion.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import uz.himoya.crypto.Secrets;
import uz.himoya.deletion.IntakeCommand;
import uz.himoya.http.JsonFields;
import uz.himoya.problem.Problem;

/**
 * Decodes the intake body {"subject": {"id", "email"}, "locale", "verified"} into the core's command, at
 * the edge: malformed JSON is a 400, wrong shapes are 422 with every field listed. Unknown fields are
 * refused too, so a misspelt "verfied" cannot silently change what happens.
 */
final class IntakeJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP = Set.of("subject", "locale", "verified");
    private static final Set<String> SUBJECT = Set.of("id", "email");

    private IntakeJson() {
    }

    /** The command as far as it could be read, and the shape errors found on the way. */
    record Decoded(IntakeCommand command, List<Problem.FieldError> errors) {
    }

    static Decoded decode(byte[] body, String idempotencyKey) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw Problem.of(400, "malformed-json", "Malformed JSON", "The body is not valid JSON.");
        }
        if (root == null || !root.isObject()) {
            throw Problem.of(400, "malformed-json", "Malformed JSON", "The body must be a JSON object.");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        JsonFields.unknown(root, TOP, "", errors);
        JsonNode subject = root.get("subject");
        Optional<String> id = Optional.empty();
        Optional<String> email = Optional.empty();
        if (subject == null || subject.isNull()) {
            errors.add(new Problem.FieldError("subject", "is required"));
        } else if (!subject.isObject()) {
            errors.add(new Problem.FieldError("subject", "must be an object with id and/or email"));
        } else {
            JsonFields.unknown(subject, SUBJECT, "subject.", errors);
            id = JsonFields.text(subject.get("id"), "subject.id", true, errors);
            email = JsonFields.text(subject.get("email"), "subject.email", false, errors);
        }
        Optional<String> locale = JsonFields.text(root.get("locale"), "locale", false, errors);
        boolean verified = false;
        JsonNode v = root.get("verified");
        if (v != null && !v.isNull()) {
            if (v.isBoolean()) {
                verified = v.booleanValue();
            } else {
                errors.add(new Problem.FieldError("verified", "must be true or false"));
            }
        }
        return new Decoded(new IntakeCommand(id, email, locale, verified, Optional.ofNullable(idempotencyKey),
                Secrets.sha256(root.toString())), errors);
    }


}
