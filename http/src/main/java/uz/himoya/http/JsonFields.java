package uz.himoya.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import uz.himoya.problem.Problem;

/** Field checks shared by the JSON decoders at the edge; each problem names the field, never its value. */
public final class JsonFields {
    private JsonFields() {
    }

    /** A string field (or, with numbersToo, an integer given as a number); absent or null is empty. */
    public static Optional<String> text(JsonNode n, String field, boolean numbersToo,
            List<Problem.FieldError> errors) {
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (n.isTextual() || (numbersToo && n.isIntegralNumber())) {
            return Optional.of(n.asText());
        }
        errors.add(new Problem.FieldError(field, "must be a string"));
        return Optional.empty();
    }

    /** Unknown fields are refused, so a misspelt field cannot silently change what happens. */
    public static void unknown(JsonNode node, Set<String> known, String prefix, List<Problem.FieldError> errors) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!known.contains(name)) {
                errors.add(new Problem.FieldError(prefix + name, "is not a known field"));
            }
        }
    }
}
