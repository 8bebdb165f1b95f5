package uz.himoya.watchdog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import uz.himoya.problem.Problem;

/**
 * What a watchdog run is asked for: {@code {"app": "demo"}} to look at one app, or nothing for all.
 * EventBridge Scheduler's context attributes may ride along; any other field is an error.
 */
public record WatchdogOptions(Optional<String> app) {
    private static final Set<String> KNOWN = Set.of("app", "scheduleArn", "scheduledTime", "executionId",
            "attemptNumber");

    public static WatchdogOptions parse(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return new WatchdogOptions(Optional.empty());
        }
        if (!n.isObject()) {
            throw Problem.validation(List.of(new Problem.FieldError("", "must be a JSON object")));
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!KNOWN.contains(name)) {
                errors.add(new Problem.FieldError(name, "is not a known field; known: [app]"));
            }
        }
        JsonNode app = n.get("app");
        if (app != null && !app.isNull() && (!app.isTextual() || app.asText().isBlank())) {
            errors.add(new Problem.FieldError("app", "must be a non-empty string"));
        }
        if (!errors.isEmpty()) {
            throw Problem.validation(errors);
        }
        return new WatchdogOptions(app == null || app.isNull() ? Optional.empty() : Optional.of(app.asText()));
    }
}
