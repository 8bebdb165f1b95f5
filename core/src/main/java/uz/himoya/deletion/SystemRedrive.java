package uz.himoya.deletion;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import uz.himoya.audit.AuditLog;
import uz.himoya.db.Jdbc;
import uz.himoya.problem.Problem;

/**
 * Ops drive a FAILED system part of a deletion again, once the system is fixed:
 * {@code POST /v1/ops/deletion-requests/{id}/systems/{system}/retry}. The step goes back to PENDING with its
 * attempts and give-up age reset (the map's maxAttempts and giveUpAfter start over), and the request is
 * enqueued so the worker sends the same job (same request id: the system de-duplicates on it) and completes
 * the request once every part is done.
 *
 * <p><b>The request's status.</b> FAILED means "needs a person" (SystemSteps.fail), not "finished": the
 * worker leaves a FAILED request alone, its sealed subject key is kept for exactly this, and the watchdog
 * keeps listing it. A re-drive is that person acting, so FAILED goes back to IN_PROGRESS, the state of a
 * request whose subject is resolved and whose stores may be erased already. Not QUEUED: a QUEUED request may
 * be cancelled by its app, and one whose stores are erased must not be. IN_PROGRESS is entered with its lease
 * run out, so the worker claims it at once and the watchdog's redrive brings it back if the message is lost.
 * While another part (a store or a system) is still FAILED, the request stays FAILED with that part's error:
 * a request is only worth running again when nothing in it still waits for a person. Its due date does not
 * move.
 *
 * <p>Every refusal happens before anything is written, in the one transaction that holds the request's row
 * lock, and is problem+json that echoes nothing sent: a malformed or unknown id and a system the request has
 * no part for are 404, a part that is not FAILED (or a request that is completed, cancelled or expired) 409.
 * The audit log records the re-drive with the system's name and the code it had failed with, no personal data.
 *
 * <pre>{@code
 * SystemRedrive.Answer a = redrive.retry(pathId, pathSystem);   // a.requestStatus(): IN_PROGRESS or FAILED
 * }</pre>
 */
@ApplicationScoped
public class SystemRedrive {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{1,39}");

    /** The part after the re-drive, and the request's status. */
    public record Answer(UUID requestId, String system, String status, DeletionStatus requestStatus) {
    }

    private final Clock clock;
    private final Jdbc jdbc;
    private final AuditLog audit;
    private final DeletionService deletions;
    private final DeletionRequests requests;

    public SystemRedrive(Clock clock, Jdbc jdbc, AuditLog audit, DeletionService deletions,
            DeletionRequests requests) {
        this.requests = requests;
        this.clock = clock;
        this.jdbc = jdbc;
        this.audit = audit;
        this.deletions = deletions;
    }

    /** @param requestId, system as the caller sent them: checked here, never echoed */
    public Answer retry(String requestId, String system) {
        UUID id = uuid(requestId);
        if (system == null || !NAME.matcher(system).matches()) {
            throw noSuchPart();
        }
        Answer answer = QuarkusTransaction.requiringNew().call(() -> {
            DeletionRequest r = requests.findForUpdate(id).orElse(null);
            if (r == null) {
                throw Problem.notFound("The deletion request");
            }
            SystemSteps.Step step = jdbc.call(c -> SystemSteps.load(c, id, true)).stream()
                    .filter(s -> s.system().equals(system)).findFirst().orElseThrow(SystemRedrive::noSuchPart);
            if (!step.status().equals("FAILED")) {
                throw Problem.conflict("Only a FAILED system part can be driven again; this one is "
                        + step.status() + ".");
            }
            if (!(r.status == DeletionStatus.FAILED || r.status.open()) || r.subjectKey == null) {
                throw Problem.conflict("A request in status " + r.status + " is not driven again.");
            }
            Instant now = clock.instant();
            reset(id, system, now);
            audit.record(id, "system-redriven", "system=" + system + " code=" + step.lastError() + " attempts="
                    + step.attempts());
            if (reopen(r, jdbc.call(c -> failedPart(c, id)), now, audit)) {
                requests.update(r);
            }
            return new Answer(id, system, "PENDING", r.status);
        });
        if (answer.requestStatus() == DeletionStatus.IN_PROGRESS) {
            deletions.enqueueIfNotYet(id); // after the commit: the worker must see the PENDING step
        }
        return answer;
    }

    /**
     * A FAILED request whose last failed part was settled (re-driven, or a late callback): IN_PROGRESS again,
     * lease run out. With another part still FAILED it stays FAILED, with that part's error. On the caller's
     * transaction, r locked; changes r in memory only and says whether it did: the caller stores it
     * (DeletionRequests.update).
     */
    static boolean reopen(DeletionRequest r, Optional<String> stillFailed, Instant now, AuditLog audit) {
        if (r.status != DeletionStatus.FAILED) {
            return false;
        }
        if (stillFailed.isPresent()) {
            r.lastError = stillFailed.get();
            return true;
        }
        r.status = DeletionStatus.IN_PROGRESS;
        r.failedAt = null;
        r.lastError = null;
        r.leaseUntil = now;
        audit.record(r.id, "reopened", null);
        return true;
    }

    /** The error of a part still FAILED, as the request shows it (system:name:code, or a store's code). */
    static Optional<String> failedPart(java.sql.Connection c, UUID id) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT part, last_error FROM deletion_step"
                + " WHERE request_id = ? AND status = 'FAILED' ORDER BY part LIMIT 1")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String part = rs.getString(1);
                String code = rs.getString(2);
                return Optional.of(part.startsWith(SystemSteps.PREFIX) ? part + ":" + code : code);
            }
        }
    }

    private void reset(UUID id, String system, Instant now) {
        jdbc.call(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE deletion_step SET status = 'PENDING',"
                    + " attempts = 0, last_error = NULL, outcome = NULL, next_attempt_at = NULL,"
                    + " first_attempt_at = NULL, updated_at = ? WHERE request_id = ? AND part = ?"
                    + " AND status = 'FAILED'")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setObject(2, id);
                ps.setString(3, SystemSteps.part(system));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** A malformed id cannot name anything: the same 404 as an unknown one. */
    private static UUID uuid(String id) {
        try {
            if (id == null || id.length() != 36) {
                throw new IllegalArgumentException();
            }
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("The deletion request");
        }
    }

    private static Problem noSuchPart() {
        return Problem.notFound("The request's part in that system");
    }
}
