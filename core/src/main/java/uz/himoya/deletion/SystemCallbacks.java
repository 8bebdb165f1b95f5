package uz.himoya.deletion;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import uz.himoya.audit.AuditLog;
import uz.himoya.db.Jdbc;
import uz.himoya.privacymap.WebhookSpec;
import uz.himoya.problem.Problem;
import uz.himoya.store.AppRegistry;
import uz.himoya.webhook.Callbacks;
import uz.himoya.webhook.WebhookSettings;

/**
 * A system's signed answer to a job it took with 202: {@code POST /v1/callbacks/<request id>/<system>}
 * (uz.himoya.webhook.Callbacks has the body shapes). The system signs with its webhook secret instead of an
 * app key.
 * <ol>
 * <li>The signature is checked first, with the secret of each served app's system of that name, before
 * anything is read about the request: without a valid signature nobody learns whether a request exists
 * (401; 404 when no map has a system of that name).</li>
 * <li>Then the request must be of the app whose secret signed, with a step for that system (else 404).</li>
 * <li>A step still PENDING or WAITING takes the result: done (DONE, counted on the receipt) or failed
 * (FAILED, and the request with it). A done for a step FAILED with {@value SystemSteps#CALLBACK_TIMEOUT}
 * (Himoya gave up waiting) is taken too: the part is DONE and a request FAILED for it alone runs on. The same callback again is answered 200 and changes nothing, so a
 * system may retry it freely; a different answer for a settled step is a 409, which changes nothing.</li>
 * <li>When this was the last step (or the request runs on), the job is enqueued so the worker completes it.</li>
 * </ol>
 * Refusals are problem+json echoing nothing sent.
 */
@ApplicationScoped
public class SystemCallbacks {

    /** What the callback answers: the step's state after it. */
    public record Answer(UUID requestId, String system, String status) {
    }

    private record Candidate(String appId, String secret) {
    }

    private final AppRegistry apps;
    private final WebhookSettings settings;
    private final Clock clock;
    private final Jdbc jdbc;
    private final DeletionRequests requests;
    private final AuditLog audit;
    private final DeletionService deletions;

    public SystemCallbacks(AppRegistry apps, WebhookSettings settings, Clock clock, Jdbc jdbc,
            DeletionRequests requests, AuditLog audit, DeletionService deletions) {
        this.apps = apps;
        this.settings = settings;
        this.clock = clock;
        this.jdbc = jdbc;
        this.requests = requests;
        this.audit = audit;
        this.deletions = deletions;
    }

    /**
     * @param path      the request's path, /v1/callbacks/&lt;request id&gt;/&lt;system&gt;
     * @param signature the Himoya-Signature header (null if missing)
     */
    public Answer receive(String path, String signature, byte[] body) {
        Callbacks.Target target = Callbacks.target(path);
        List<Candidate> candidates = new ArrayList<>();
        for (String appId : apps.ids()) {
            Optional<WebhookSpec> spec = apps.map(appId).webhook(target.webhook());
            spec.flatMap(settings::secret).ifPresent(secret -> candidates.add(new Candidate(appId, secret)));
        }
        if (candidates.isEmpty()) {
            throw unknown();
        }
        Instant now = clock.instant();
        Callbacks.Rejected refused = null;
        for (Candidate c : candidates) {
            Callbacks.Outcome outcome;
            try {
                outcome = Callbacks.verify(c.secret(), target, signature, body, now);
            } catch (Callbacks.Rejected r) {
                if (r.code().equals("callback-body")) {
                    throw r; // authentic, but not one of the two shapes
                }
                // An authentic but stale callback says more than a mismatch with another app's secret.
                refused = refused == null || r.code().equals("callback-stale") ? r : refused;
                continue;
            }
            return apply(c.appId(), target, outcome);
        }
        throw refused;
    }

    private Answer apply(String appId, Callbacks.Target target, Callbacks.Outcome outcome) {
        UUID id = target.requestId();
        String system = target.webhook();
        boolean[] last = new boolean[1];
        Answer answer = QuarkusTransaction.requiringNew().call(() -> {
            DeletionRequest r = requests.findForUpdate(id).orElse(null);
            if (r == null || !r.appId.equals(appId)) {
                throw unknown();
            }
            // Locked: a worker recording this system's reply at the same moment waits, then sees it settled.
            List<SystemSteps.Step> steps = jdbc.call(c -> SystemSteps.load(c, id, true));
            SystemSteps.Step step = steps.stream().filter(s -> s.system().equals(system)).findFirst()
                    .orElseThrow(SystemCallbacks::unknown);
            Instant now = clock.instant();
            switch (outcome) {
                case Callbacks.Outcome.Done d -> {
                    String result = SystemSteps.write(new SystemSteps.Result(d.rows(), d.categories()));
                    // Given up on for never calling back, and now it did: the system's word is the truth, so
                    // the part is DONE and the request runs on (unless another part still needs a person).
                    boolean late = step.status().equals("FAILED")
                            && SystemSteps.CALLBACK_TIMEOUT.equals(step.lastError());
                    if (settled(step) && !late) {
                        if (!step.done() || !same(SystemSteps.read(step.outcome()), d)) {
                            throw conflict();
                        }
                        return new Answer(id, system, step.status());
                    }
                    settle(id, system, "DONE", result, null, now);
                    audit.record(id, "system-done", "system=" + system + " rows=" + d.rows() + " via=callback"
                            + (late ? " late" : ""));
                    boolean reopened = false;
                    if (late && r.status == DeletionStatus.FAILED) {
                        if (SystemRedrive.reopen(r, jdbc.call(c -> SystemRedrive.failedPart(c, id)), now, audit)) {
                            requests.update(r);
                        }
                        reopened = r.status == DeletionStatus.IN_PROGRESS;
                    }
                    last[0] = reopened || r.status == DeletionStatus.IN_PROGRESS && steps.stream()
                            .allMatch(s -> s.done() || s.system().equals(system)) && storesDone(id);
                    return new Answer(id, system, "DONE");
                }
                case Callbacks.Outcome.Failed f -> {
                    if (settled(step)) {
                        if (!step.status().equals("FAILED") || !f.code().equals(step.lastError())) {
                            throw conflict();
                        }
                        return new Answer(id, system, step.status());
                    }
                    settle(id, system, "FAILED", null, f.code(), now);
                    audit.record(id, "system-failed", "system=" + system + " code=" + f.code() + " via=callback");
                    if (r.status == DeletionStatus.IN_PROGRESS) {
                        SystemSteps.fail(r, system, f.code(), now, audit);
                        requests.update(r);
                    }
                    return new Answer(id, system, "FAILED");
                }
            }
        });
        if (last[0]) {
            deletions.enqueueIfNotYet(id); // the worker writes the receipt and sends the confirmation
        }
        return answer;
    }

    private static boolean settled(SystemSteps.Step step) {
        return step.status().equals("DONE") || step.status().equals("FAILED");
    }

    /** The same result: rows, and the categories as a set (a system may list them in another order). */
    private static boolean same(SystemSteps.Result kept, Callbacks.Outcome.Done d) {
        return kept.rows() == d.rows() && new HashSet<>(kept.categories()).equals(new HashSet<>(d.categories()));
    }

    private boolean storesDone(UUID id) {
        return jdbc.call(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM deletion_step WHERE request_id = ?"
                    + " AND part NOT LIKE 'system:%' AND status <> 'DONE'")) {
                ps.setObject(1, id);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) == 0;
                }
            }
        });
    }

    private void settle(UUID id, String system, String status, String outcome, String error, Instant now) {
        jdbc.call(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE deletion_step SET status = ?, outcome = ?,"
                    + " last_error = ?, next_attempt_at = NULL, updated_at = ? WHERE request_id = ? AND part = ?")) {
                ps.setString(1, status);
                ps.setString(2, outcome);
                ps.setString(3, error);
                ps.setTimestamp(4, Timestamp.from(now));
                ps.setObject(5, id);
                ps.setString(6, SystemSteps.part(system));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Unknown request, system or step: one answer for all, so a signer learns nothing about other apps. */
    private static Problem unknown() {
        return Problem.of(404, "callback-unknown", "Unknown callback",
                "No request of this system is waiting for that callback.");
    }

    private static Problem conflict() {
        return Problem.of(409, "callback-conflict", "Conflicting callback",
                "This system's part of the request was settled already with another result; nothing changed.");
    }
}
