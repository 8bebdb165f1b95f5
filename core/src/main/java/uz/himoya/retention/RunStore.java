package uz.himoya.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The run records (retention_run, retention_run_rule), in plain JDBC on the caller's transaction. */
public final class RunStore {

    /** A rule to put in a new run: its name and action. */
    public record RuleSpec(String name, String action) {
    }

    private RunStore() {
    }

    public static void create(Connection c, RunView run, List<RuleSpec> rules) throws SQLException {
        update(c, "INSERT INTO retention_run (id, app_id, trigger, dry_run, partial, as_of, status, started_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, 'RUNNING', ?)", run.id(), run.appId(), run.trigger(), run.dryRun(),
                run.partial(), ts(run.asOf()), ts(run.startedAt()));
        int position = 0;
        for (RuleSpec r : rules) {
            update(c, "INSERT INTO retention_run_rule (run_id, rule, position, action, status) VALUES (?, ?, ?, ?,"
                    + " 'PENDING')", run.id(), r.name(), position++, r.action());
        }
    }

    /** Serializes the start of runs of one app, so two sweeps started at once agree on one run. */
    public static void lockApp(Connection c, String appId) throws SQLException {
        update(c, "SELECT pg_advisory_xact_lock(hashtextextended(?, 5))", "retention-run:" + appId);
    }

    /** Marks unfinished runs started before the cut-off ABANDONED; returns how many. */
    public static int abandonOlderThan(Connection c, String appId, Instant before, Instant now) throws SQLException {
        return update(c, "UPDATE retention_run SET status = 'ABANDONED', finished_at = ? WHERE app_id = ?"
                + " AND status = 'RUNNING' AND started_at < ?", ts(now), appId, ts(before));
    }

    /** The newest unfinished full (not dry, not partial) run of an app. */
    public static Optional<UUID> unfinished(Connection c, String appId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM retention_run WHERE app_id = ? AND status ="
                + " 'RUNNING' AND NOT dry_run AND NOT partial ORDER BY started_at DESC LIMIT 1")) {
            ps.setString(1, appId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
            }
        }
    }

    public static void invoked(Connection c, UUID run, boolean continuation) throws SQLException {
        update(c, "UPDATE retention_run SET invocations = invocations + 1, continuations = continuations + ?"
                + " WHERE id = ?", continuation ? 1 : 0, run);
    }

    public static void ruleStarted(Connection c, UUID run, String rule, Instant now) throws SQLException {
        update(c, "UPDATE retention_run_rule SET status = 'RUNNING', started_at = COALESCE(started_at, ?)"
                + " WHERE run_id = ? AND rule = ?", ts(now), run, rule);
    }

    /**
     * Records batch number {@code number} of a rule: the rows it changed, its time, and the cursor it reached.
     * Written in the transaction that committed the batch (Himoya's own rules) or right after the store's
     * commit of it (app stores: the batch is then in the store's himoya_ledger too, see StoreBatches). The
     * cursor's row identity may be a subject's key (a primary key), so it is stored sealed (sealedKey) and only
     * while the rule runs.
     *
     * <p>Batches are numbered 1, 2, ... per rule and run, and a batch is recorded only over its predecessor
     * (batches = number - 1): a batch is never counted twice, even if two invocations of one run both try.
     *
     * @throws OutOfStep when the run record already holds this batch (or is not at its predecessor)
     */
    public static void progress(Connection c, UUID run, String rule, int number, long affected, String cursorValue,
            byte[] sealedKey, long millis) throws SQLException {
        int updated = update(c, "UPDATE retention_run_rule SET rows_affected = rows_affected + ?, batches = ?,"
                + " duration_ms = duration_ms + ?, cursor_value = COALESCE(?, cursor_value),"
                + " cursor_key = COALESCE(?, cursor_key), error = NULL WHERE run_id = ? AND rule = ? AND batches = ?",
                affected, number, millis, cursorValue, sealedKey, run, rule, number - 1);
        if (updated != 1) {
            throw new OutOfStep(run, rule, number);
        }
    }

    /**
     * The run record is not where this invocation thought: another invocation of the run recorded the batch
     * (after the store's ledger) first. Nothing is counted twice; this invocation leaves the rule to the other.
     */
    public static final class OutOfStep extends RuntimeException {
        OutOfStep(UUID run, String rule, int number) {
            super("run " + run + " rule " + rule + ": batch " + number + " is already recorded", null, false, false);
        }
    }

    /** How far a rule has got: the batches recorded, and the stored cursor if the walk has begun. */
    public record Position(int batches, Optional<StoredCursor> cursor) {
    }

    public static Position position(Connection c, UUID run, String rule) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT batches, cursor_value, cursor_key FROM"
                + " retention_run_rule WHERE run_id = ? AND rule = ?")) {
            ps.setObject(1, run);
            ps.setString(2, rule);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("run " + run + " has no rule " + rule);
                }
                byte[] key = rs.getBytes(3);
                return new Position(rs.getInt(1), key == null ? Optional.empty()
                        : Optional.of(new StoredCursor(rs.getString(2), key)));
            }
        }
    }

    /** A cursor as stored: the retention column's value in the clear (a date), the row identity sealed. */
    public record StoredCursor(String value, byte[] sealedKey) {
    }

    /** Closes a rule; its sealed cursor key is dropped, since nothing resumes a finished rule. */
    public static void ruleFinished(Connection c, UUID run, String rule, String status, long skipped,
            Long wouldAffect, long millis, String error, Instant now) throws SQLException {
        update(c, "UPDATE retention_run_rule SET status = ?, skipped_held = ?, would_affect = ?,"
                + " duration_ms = duration_ms + ?, error = ?, started_at = COALESCE(started_at, ?), finished_at = ?,"
                + " cursor_key = NULL WHERE run_id = ? AND rule = ?", status, skipped, wouldAffect, millis, error,
                ts(now), ts(now), run, rule);
    }

    /** Marks a rule another sweep holds (the caller holds the rule's row lock and saw it PENDING). */
    public static void ruleBusy(Connection c, UUID run, String rule, Instant now) throws SQLException {
        update(c, "UPDATE retention_run_rule SET status = 'BUSY', finished_at = ?, cursor_key = NULL WHERE run_id = ?"
                + " AND rule = ?",
                ts(now), run, rule);
    }

    /** Locks a rule's row for the rest of the transaction and returns its status. */
    public static String lockRule(Connection c, UUID run, String rule) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT status FROM retention_run_rule WHERE run_id = ? AND rule = ? FOR UPDATE")) {
            ps.setObject(1, run);
            ps.setString(2, rule);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("run " + run + " has no rule " + rule);
                }
                return rs.getString(1);
            }
        }
    }

    /** Records an error code on a rule left RUNNING (an outage: the next invocation resumes it). */
    public static void ruleInterrupted(Connection c, UUID run, String rule, String error) throws SQLException {
        update(c, "UPDATE retention_run_rule SET error = ? WHERE run_id = ? AND rule = ?", error, run, rule);
    }

    /** Completes the run once no rule is PENDING or RUNNING: FAILED if any rule failed. */
    public static void finishIfDone(Connection c, UUID run, Instant now) throws SQLException {
        update(c, "UPDATE retention_run r SET finished_at = ?, status = CASE WHEN EXISTS (SELECT 1 FROM"
                + " retention_run_rule x WHERE x.run_id = r.id AND x.status = 'FAILED') THEN 'FAILED' ELSE"
                + " 'COMPLETED' END WHERE r.id = ? AND r.status = 'RUNNING' AND NOT EXISTS (SELECT 1 FROM"
                + " retention_run_rule x WHERE x.run_id = r.id AND x.status IN ('PENDING', 'RUNNING'))", ts(now), run);
    }

    public static Optional<RunView> get(Connection c, UUID id) throws SQLException {
        List<RunView> runs = RunQueries.runs(c, "r.id = ?", id, 1);
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(0));
    }

    public static List<RunView> list(Connection c, Optional<String> appId, int limit) throws SQLException {
        return appId.isPresent() ? RunQueries.runs(c, "r.app_id = ?", appId.get(), limit)
                : RunQueries.runs(c, "true", null, limit);
    }

    static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    /** Runs a statement with its parameters bound in order; returns the rows an UPDATE or DELETE changed. */
    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            if (sql.startsWith("SELECT")) {
                ps.execute();
                return 0;
            }
            return ps.executeUpdate();
        }
    }
}
