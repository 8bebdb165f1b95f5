package uz.himoya.watchdog;

import java.util.List;
import java.util.Optional;
import uz.himoya.problem.Problem;

/** What a watchdog run is asked for: one app, or every app (empty). The edges decode it strictly. */
public record WatchdogOptions(Optional<String> app) {
    /** From the decoded app field: "*" is every app. */
    public static WatchdogOptions of(String app) {
        if (app.isBlank()) {
            throw Problem.validation(List.of(new Problem.FieldError("app",
                    "must be an app id, or \"*\" for every app")));
        }
        return new WatchdogOptions("*".equals(app) ? Optional.empty() : Optional.of(app));
    }
}
