package uz.himoya.http;

import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Optional;
import uz.himoya.problem.Problem;

/**
 * Query values read literally. JAX-RS reads any boolean other than "true" as false, so ?dryRun=1 would
 * register a real incident; here only "true" and "false" are booleans, and anything else is a 422.
 * (StrictRequestFilter has already refused unknown and repeated parameters.)
 */
public final class QueryParams {
    private QueryParams() {
    }

    /** The parameter's value as sent: "" for ?name= or ?name, null only when it is absent. */
    public static String raw(UriInfo uri, String name) {
        List<String> values = uri.getQueryParameters().get(name);
        if (values == null) {
            return null;
        }
        return values.isEmpty() || values.get(0) == null ? "" : values.get(0);
    }

    public static boolean bool(UriInfo uri, String name, boolean absent) {
        return bool(raw(uri, name), name, absent);
    }

    public static boolean bool(String raw, String name, boolean absent) {
        if (raw == null) {
            return absent;
        }
        return switch (raw) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(name, "must be true or false");
        };
    }

    public static int integer(String raw, String name, int absent) {
        if (raw == null) {
            return absent;
        }
        if (!raw.matches("-?[0-9]{1,9}")) {
            throw invalid(name, "must be a whole number");
        }
        return Integer.parseInt(raw);
    }

    /** A text value; given but empty is an error, not "absent". */
    public static Optional<String> text(String raw, String name) {
        if (raw == null) {
            return Optional.empty();
        }
        if (raw.isBlank()) {
            throw invalid(name, "must not be empty");
        }
        return Optional.of(raw);
    }

    private static Problem invalid(String name, String rule) {
        return Problem.validation(List.of(new Problem.FieldError(name, rule)));
    }
}
