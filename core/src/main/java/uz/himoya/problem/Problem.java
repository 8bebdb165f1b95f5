package uz.himoya.problem;

import java.util.List;
import java.util.Map;

/**
 * A client-facing failure with its RFC 9457 shape. Details never carry personal data: they speak of
 * fields and states, not of values.
 */
public class Problem extends RuntimeException {

    public record FieldError(String field, String message) {
    }

    private final int status;
    private final String type;
    private final String title;
    private final List<FieldError> errors;
    private final Map<String, String> headers;

    public Problem(int status, String type, String title, String detail, List<FieldError> errors,
            Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    public static Problem of(int status, String type, String title, String detail) {
        return new Problem(status, type, title, detail, List.of(), Map.of());
    }

    public static Problem validation(List<FieldError> errors) {
        return new Problem(422, "validation", "Invalid fields", "One or more fields are invalid.", errors, Map.of());
    }

    public static Problem notFound(String what) {
        return of(404, "not-found", "Not found", what + " does not exist.");
    }

    public static Problem conflict(String detail) {
        return of(409, "invalid-transition", "Invalid state transition", detail);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
