package uz.himoya.retention;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A retention run as ops read it (GET /v1/retention/runs/{id}): per rule, what was removed, how long it took,
 * how far the walk got (the retention column's value it reached: a date), and how many rows were left alone
 * for a legal hold or an open deletion request. No personal data: names of tables and rules, counts and
 * dates. The cursor's row identity (which may be a subject's key) is never shown.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunView(UUID id, String appId, String trigger, boolean dryRun, boolean partial, Instant asOf,
        String status, Instant startedAt, Instant finishedAt, int invocations, int continuations,
        List<Rule> rules) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rule(String rule, String action, String status, long rowsAffected, Long wouldAffect,
            long skippedHeld, int batches, long durationMs, String reached, Instant startedAt,
            Instant finishedAt, String error) {

        boolean open() {
            return status.equals("PENDING") || status.equals("RUNNING");
        }
    }

    public boolean running() {
        return status.equals("RUNNING");
    }
}
