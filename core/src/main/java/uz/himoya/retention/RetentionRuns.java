package uz.himoya.retention;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import uz.himoya.store.AppRegistry;
import uz.himoya.problem.Problem;

/** The run records, read for ops (GET /v1/retention/runs). */
@ApplicationScoped
public class RetentionRuns {
    private final AgroalDataSource dataSource;
    private final AppRegistry apps;

    public RetentionRuns(AgroalDataSource dataSource, AppRegistry apps) {
        this.dataSource = dataSource;
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
        try (Connection c = dataSource.getConnection()) {
            return RunStore.list(c, appId, limit);
        } catch (SQLException e) {
            throw new IllegalStateException("database error " + e.getSQLState(), e);
        }
    }

    public RunView get(UUID id) {
        try (Connection c = dataSource.getConnection()) {
            return RunStore.get(c, id).orElseThrow(() -> Problem.notFound("The retention run"));
        } catch (SQLException e) {
            throw new IllegalStateException("database error " + e.getSQLState(), e);
        }
    }
}
