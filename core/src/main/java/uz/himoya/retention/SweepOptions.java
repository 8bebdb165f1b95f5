package uz.himoya.retention;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import uz.himoya.problem.Problem;

/**
 * What a sweep is asked to do: one app or every app (empty), chosen rules or all of them (empty), a dry run
 * or a real one, and a time budget that can only shorten the configured one. The edges decode it strictly
 * (uz.himoya.json.StrictJson): the ops route needs every choice spelt out, a schedule may leave them to
 * its defaults.
 */
public record SweepOptions(Optional<String> app, List<String> rules, boolean dryRun, Optional<Duration> timeBudget) {
    /** The app field's value for every app served. */
    public static final String EVERY_APP = "*";

    public static SweepOptions everything() {
        return new SweepOptions(Optional.empty(), List.of(), false, Optional.empty());
    }

    /** From the decoded fields: "*" is every app; a negative budget is refused. */
    public static SweepOptions of(String app, Optional<List<String>> rules, boolean dryRun,
            Optional<Duration> timeBudget) {
        List<Problem.FieldError> errors = new java.util.ArrayList<>();
        if (app.isBlank()) {
            errors.add(new Problem.FieldError("app", "must be an app id, or \"*\" for every app"));
        }
        rules.orElse(List.of()).stream().filter(String::isBlank).findFirst()
                .ifPresent(r -> errors.add(new Problem.FieldError("rules", "must hold rule names")));
        if (timeBudget.isPresent() && timeBudget.get().isNegative()) {
            errors.add(new Problem.FieldError("timeBudget", "must not be negative"));
        }
        if (!errors.isEmpty()) {
            throw Problem.validation(errors);
        }
        return new SweepOptions(EVERY_APP.equals(app) ? Optional.empty() : Optional.of(app),
                List.copyOf(rules.orElse(List.of())), dryRun, timeBudget);
    }

    /** Field errors as one line, for the functions' error messages. */
    public static String describe(Problem p) {
        return p.errors().stream().map(e -> e.field() + ": " + e.message()).reduce((a, b) -> a + "; " + b)
                .orElse(p.getMessage());
    }
}
