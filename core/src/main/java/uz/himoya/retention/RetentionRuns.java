package uz.himoya.retention;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import uz.himoya.db.Jdbc;
import uz.himoya.store.AppRegistry;
import uz.himoya.problem.Problem;

/** The run records, read for ops (GET /v1/retention/runs). */
@ApplicationScoped
public class RetentionRuns {
    private final Jdbc jdbc;
    private final AppRegistry apps;

    public RetentionRuns(Jdbc jdbc, AppRegistry apps) {
        this.jdbc = jdbc;
        this.apps = apps;
    }

    /** Newest first; limit 1 to 200. An unknown app is a 422, not an empty list that hides a typo. */
    public List<RunView> list(Optional<String> appId, int limit) {
        if (appId.isPresent() && !apps.serves(appId.get())) {
            throw Problem.validation(List.of(new Problem.FieldError("app", "is not an app this deployment serves")));
        }
        if (limit < 1 || limit > 200) {
            throw Problem.validation(List.of(new Problem.FieldError("limit", "must be 1 to 200")));
        }
        return jdbc.call(c -> RunStore.list(c, appId, limit));
    }

    public RunView get(UUID id) {
        return jdbc.call(c -> RunStore.get(c, id)).orElseThrow(() -> Problem.notFound("The retention run"));
    }
}
