package uz.himoya.retention;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import uz.himoya.problem.Problem;

/**
 * What a sweep is asked to do, as a schedule's input or an ops call gives it:
 * {@code {"app": "demo", "rules": ["access_logs"], "dryRun": false, "timeBudget": "PT5M"}}. Every field is
 * optional: no app sweeps every app, no rules sweeps every rule. timeBudget can only shorten the configured
 * budget. EventBridge Scheduler's context attributes (scheduleArn, scheduledTime, executionId,
 * attemptNumber) may ride along and are ignored; any other field is an error, so a misspelt "dryrun" can
 * never turn a dry run into a real one.
 */
public record SweepOptions(Optional<String> app, List<String> rules, boolean dryRun, Optional<Duration> timeBudget) {
    private static final Set<String> FIELDS = Set.of("app", "rules", "dryRun", "timeBudget");
    private static final Set<String> SCHEDULER = Set.of("scheduleArn", "scheduledTime", "executionId",
            "attemptNumber");

    public static SweepOptions everything() {
        return new SweepOptions(Optional.empty(), List.of(), false, Optional.empty());
    }

    /** Reads the options; every shape error is reported at once as a 422 Problem. */
    public static SweepOptions parse(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return everything();
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        if (!n.isObject()) {
            throw Problem.validation(List.of(new Problem.FieldError("", "must be a JSON object")));
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!FIELDS.contains(name) && !SCHEDULER.contains(name)) {
                errors.add(new Problem.FieldError(name, "is not a known field; known: " + FIELDS));
            }
        }
        Optional<String> app = text(n.get("app"), "app", errors);
        List<String> rules = new ArrayList<>();
        JsonNode r = n.get("rules");
        if (r != null && !r.isNull()) {
            if (!r.isArray()) {
                errors.add(new Problem.FieldError("rules", "must be an array of rule names"));
            } else {
                r.forEach(e -> {
                    if (e.isTextual() && !e.asText().isBlank()) {
                        rules.add(e.asText());
                    } else {
                        errors.add(new Problem.FieldError("rules", "must hold rule names (strings)"));
                    }
                });
            }
        }
        boolean dryRun = false;
        JsonNode d = n.get("dryRun");
        if (d != null && !d.isNull()) {
            if (d.isBoolean()) {
                dryRun = d.booleanValue();
            } else {
                errors.add(new Problem.FieldError("dryRun", "must be true or false"));
            }
        }
        Optional<Duration> budget = text(n.get("timeBudget"), "timeBudget", errors).flatMap(v -> {
            try {
                Duration parsed = Duration.parse(v);
                if (!parsed.isNegative()) {
                    return Optional.of(parsed);
                }
            } catch (DateTimeParseException e) {
                // reported below
            }
            errors.add(new Problem.FieldError("timeBudget", "is not a non-negative ISO-8601 duration such as PT5M"));
            return Optional.empty();
        });
        if (!errors.isEmpty()) {
            throw Problem.validation(errors);
        }
        return new SweepOptions(app, List.copyOf(rules), dryRun, budget);
    }

    private static Optional<String> text(JsonNode v, String field, List<Problem.FieldError> errors) {
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            errors.add(new Problem.FieldError(field, "must be a non-empty string"));
            return Optional.empty();
        }
        return Optional.of(v.asText());
    }

    /** Field errors as one line, for the functions' error messages. */
    public static String describe(Problem p) {
        return p.errors().stream().map(e -> e.field() + ": " + e.message()).reduce((a, b) -> a + "; " + b)
                .orElse(p.getMessage());
    }
}
