package uz.himoya.deletion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import uz.himoya.audit.AuditLog;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.crypto.Secrets;
import uz.himoya.db.Jdbc;
import uz.himoya.holds.HoldStore;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.privacymap.WebhookSpec;
import uz.himoya.queue.JobQueue;
import uz.himoya.store.AppRegistry;
import uz.himoya.webhook.Backoff;
import uz.himoya.webhook.Reply;
import uz.himoya.webhook.WebhookClient;
import uz.himoya.webhook.WebhookJob;
import uz.himoya.webhook.WebhookSettings;

/**
 * A deletion request's part in the app's systems that Himoya reaches by signed webhooks (the map's
 * {@code webhooks} that take erasures): one deletion_step per system, named {@code system:<name>}, beside
 * the stores' steps (V7__webhook_steps.sql). The worker opens them when it resolves the subject and, once
 * every store is erased, calls {@link #settle(UUID)}:
 * <ul>
 * <li>each PENDING step that is due gets one signed job (request id, the subject's key, the e-mail if the
 * map says the system needs it, the callback URL);</li>
 * <li>200 with a result: DONE, the result kept for the receipt; 202: WAITING for the system's signed
 * callback ({@link SystemCallbacks}); 5xx, 408, 429, timeouts and connection failures: tried again later;
 * another 4xx (or a redirect, a bad reply, a forbidden address): FAILED, its code kept;</li>
 * <li><b>not forever</b> (the map's {@code maxAttempts}, {@code callbackWithin}, {@code giveUpAfter}, see
 * {@link WebhookSpec.Retries}): a failed attempt that is the system's maxAttempts-th, or that comes
 * giveUpAfter or later after the first, makes the step FAILED with its last code, as a 4xx would. A WAITING
 * step whose callback has not come within callbackWithin is sent the same job again (same request id, which
 * the system de-duplicates on), which counts as an attempt; once no attempt is left, it is FAILED with
 * {@value #CALLBACK_TIMEOUT}. The give-up age is only checked when an attempt failed: a system that answers
 * is never failed for having been asked late. Ops re-drive a FAILED step ({@link SystemRedrive});</li>
 * <li>the request completes only when every step is DONE. One FAILED step makes the request FAILED, with
 * error {@code system:<name>:<code>}: it needs a person (the watchdog digest lists it), its sealed subject
 * key stays so it can be driven again once the system is fixed, and the other systems' callbacks are still
 * recorded.</li>
 * </ul>
 * <b>Retries</b> ride on the erasure queue: each failed attempt sends one delayed job message
 * ({@link JobQueue#enqueueLater}). SQS delays a message by at most 15 minutes, so the backoff (30 s
 * doubling) is capped there: one message per retry, no early wake-ups to re-arm, and a retry never holds a
 * lease or a Lambda invocation while it waits. A message that is lost is made up for by the watchdog's
 * hourly redrive, which finds the request IN_PROGRESS with its lease run out. The SQS visibility timeout was
 * not used: it is one value per queue (a per-message change needs the receipt handle, which the adapter does
 * not pass on) and a message left invisible counts a receive each time, towards the dead-letter queue.
 *
 * <p><b>Exactly once for the system:</b> a DONE or WAITING step is never sent again, whatever message
 * arrives; a job whose reply was lost (a timeout) is sent again, which is why the job is idempotent by its
 * request id on the system's side (WebhookJob).
 */
@ApplicationScoped
public class SystemSteps {
    public static final String PREFIX = "system:";
    /** The code of a step whose system took the job (202) and never called back, however often asked. */
    public static final String CALLBACK_TIMEOUT = "callback-timeout";
    /** Himoya's own worker was stopped mid-attempt: says nothing about the system, so it never ends the step. */
    private static final String INTERRUPTED = "webhook-interrupted";
    private static final Logger LOG = Logger.getLogger(SystemSteps.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One system step as Himoya keeps it. */
    record Step(String system, String status, int attempts, String lastError, String outcome, Instant nextAttemptAt,
            Instant firstAttemptAt) {
        boolean done() {
            return status.equals("DONE");
        }

        boolean waiting() {
            return status.equals("WAITING");
        }
    }

    /** A DONE step's outcome: what the system reported (deletion_step.outcome). */
    record Result(long rows, List<String> categories) {
    }

    private final AppRegistry apps;
    private final Secrets secrets;
    private final Clock clock;
    private final HimoyaConfig config;
    private final Jdbc jdbc;
    private final DeletionRequests requests;
    private final JobQueue queue;
    private final AuditLog audit;
    private final DeletionSteps steps;
    private final WebhookClient client;
    private final WebhookSettings settings;
    private final Backoff backoff;

    public SystemSteps(AppRegistry apps, Secrets secrets, Clock clock, HimoyaConfig config, Jdbc jdbc,
            DeletionRequests requests, JobQueue queue, AuditLog audit, DeletionSteps steps, WebhookClient client,
            WebhookSettings settings, Backoff backoff) {
        this.apps = apps;
        this.secrets = secrets;
        this.clock = clock;
        this.config = config;
        this.jdbc = jdbc;
        this.requests = requests;
        this.queue = queue;
        this.audit = audit;
        this.steps = steps;
        this.client = client;
        this.settings = settings;
        this.backoff = backoff;
    }

    public static String part(String system) {
        return PREFIX + system;
    }

    /** The step names of the map's systems that take deletions, in map order. */
    public static List<String> parts(PrivacyMap map) {
        return map.webhooksTaking(WebhookSpec.Kind.ERASURE).stream().map(w -> part(w.name())).toList();
    }

    /** Opens a PENDING step per system; on the caller's transaction, where the worker resolves the subject. */
    public void open(UUID id, PrivacyMap map, Instant now) {
        steps.open(id, parts(map), now);
    }

    /**
     * Sends the jobs that are due, records the replies, and says whether every system is done (the worker
     * then completes the request). When not: the request waits, its lease released, for a callback or a
     * retry (which this arranged), or it is FAILED. Runs outside any transaction; the HTTP calls are never
     * inside one.
     */
    public boolean settle(UUID id) {
        DeletionRequest r = QuarkusTransaction.requiringNew().call(() -> requests.find(id)).orElse(null);
        if (r == null || r.status != DeletionStatus.IN_PROGRESS) {
            return false;
        }
        List<Step> open = load(id);
        if (open.isEmpty()) {
            return true;
        }
        if (open.stream().noneMatch(this::due)) {
            return conclude(id, List.of());
        }
        AppRegistry.CompiledApp app = apps.require(r.appId);
        String key = secrets.decrypt(r.subjectKey);
        Optional<HoldStore.ActiveHold> hold = jdbc.inNewTransaction(c -> HoldStore.active(c, secrets, r.appId, key));
        if (hold.isPresent()) {
            // Placed while the stores were being erased: nothing more goes out. The next pass (the lift drives
            // it) finds the hold again when the subject is resolved, or sends the jobs once it is lifted.
            QuarkusTransaction.requiringNew().run(() -> {
                DeletionRequest locked = requests.lock(id);
                locked.leaseUntil = clock.instant();
                locked.lastError = HoldStore.HELD;
                requests.update(locked);
                audit.record(id, "held", "hold=" + hold.get().id());
            });
            return false;
        }
        Optional<String> email = Optional.ofNullable(r.notifyAddress).map(secrets::decrypt);
        List<Duration> retries = new ArrayList<>();
        for (Step s : open) {
            if (due(s)) {
                attempt(id, app.map(), s, key, email).ifPresent(retries::add);
            }
        }
        return conclude(id, retries);
    }

    /** The DONE systems' results for the receipt, in map order. */
    public List<Receipt.SystemEntry> receipt(UUID id, PrivacyMap map) {
        Map<String, Step> byName = load(id).stream().filter(Step::done)
                .collect(Collectors.toMap(Step::system, Function.identity()));
        List<Receipt.SystemEntry> out = new ArrayList<>();
        for (WebhookSpec w : map.webhooks()) {
            Step s = byName.remove(w.name());
            if (s != null) {
                Result result = read(s.outcome());
                out.add(new Receipt.SystemEntry(w.name(), result.rows(), result.categories()));
            }
        }
        // A system the map no longer lists still did its part; it stays on the receipt.
        byName.values().stream().sorted(Comparator.comparing(Step::system)).forEach(s -> out.add(
                new Receipt.SystemEntry(s.system(), read(s.outcome()).rows(), read(s.outcome()).categories())));
        return out;
    }

    /**
     * PENDING and its retry time reached, or WAITING past its callback window. Nothing wakes a request at the
     * end of the window by itself (SQS delays a message 15 minutes at most): the watchdog's hourly redrive
     * brings back every request waiting with its lease run out, so the window ends within the hour after it.
     */
    private boolean due(Step s) {
        if (s.waiting()) {
            return s.nextAttemptAt() != null && !s.nextAttemptAt().isAfter(clock.instant());
        }
        return s.status().equals("PENDING") && (s.nextAttemptAt() == null
                || !s.nextAttemptAt().isAfter(clock.instant()));
    }

    /** No attempt left: the map's maxAttempts sent, or giveUpAfter passed since the first. */
    private static boolean spent(WebhookSpec.Retries retries, int attempts, Instant first, Instant now) {
        return attempts >= retries.maxAttempts() || !now.isBefore(first.plus(retries.giveUpAfter()));
    }

    /** One attempt at one system; the delay until the next one when it is to be tried again. */
    private Optional<Duration> attempt(UUID id, PrivacyMap map, Step s, String key, Optional<String> email) {
        Optional<WebhookSpec> spec = map.webhook(s.system()).filter(w -> w.takes(WebhookSpec.Kind.ERASURE));
        WebhookSpec.Retries retries = spec.map(WebhookSpec::retries).orElse(WebhookSpec.Retries.DEFAULT);
        Instant now = clock.instant();
        if (s.waiting()) {
            // The callback window ended. Asked often enough (or long enough): a person takes over.
            if (spent(retries, s.attempts(), first(s, now), now)) {
                return record(id, s, new Reply.Failed(CALLBACK_TIMEOUT), retries);
            }
            QuarkusTransaction.requiringNew().run(() -> audit.record(id, "system-resent", "system=" + s.system()
                    + " attempt=" + (s.attempts() + 1) + " reason=" + CALLBACK_TIMEOUT));
        }
        Reply reply;
        if (spec.isEmpty()) {
            // The map changed under an open request: nobody knows where this part would go any more.
            reply = new Reply.Failed("webhook-not-in-map");
        } else {
            Optional<String> secret = settings.secret(spec.get());
            if (secret.isEmpty()) {
                reply = new Reply.Retry("webhook-not-configured");
            } else {
                WebhookJob.Subject subject = new WebhookJob.Subject(Optional.of(key),
                        spec.get().needs(WebhookSpec.Identifier.EMAIL) ? email : Optional.empty());
                WebhookJob job = WebhookJob.of(id, WebhookSpec.Kind.ERASURE, map.app().id(), subject,
                        config.publicBaseUrl(), s.system());
                reply = client.send(settings.target(spec.get()), secret.get(), job, clock.instant());
            }
        }
        return record(id, s, reply, retries);
    }

    private static Instant first(Step s, Instant now) {
        return s.firstAttemptAt() == null ? now : s.firstAttemptAt();
    }

    private Optional<Duration> record(UUID id, Step s, Reply reply, WebhookSpec.Retries retries) {
        Instant now = clock.instant();
        String part = part(s.system());
        String from = s.status();
        return QuarkusTransaction.requiringNew().call(() -> switch (reply) {
            case Reply.Done d -> {
                // Only a step still as it was read changes: a callback may have raced this reply.
                if (update(id, part, from, "DONE", write(new Result(d.rows(), d.categories())), null, null, now)) {
                    audit.record(id, "system-done", "system=" + s.system() + " rows=" + d.rows());
                }
                yield Optional.empty();
            }
            case Reply.Accepted a -> {
                if (update(id, part, from, "WAITING", null, null, now.plus(retries.callbackWithin()), now)) {
                    audit.record(id, "system-accepted", "system=" + s.system());
                }
                yield Optional.empty();
            }
            case Reply.Retry t when !t.code().equals(INTERRUPTED)
                    && spent(retries, s.attempts() + 1, first(s, now), now) -> {
                // The last attempt failed: FAILED with its code, as a 4xx is; the request fails in conclude.
                if (update(id, part, from, "FAILED", null, t.code(), null, now)) {
                    audit.record(id, "system-failed", "system=" + s.system() + " code=" + t.code() + " gave-up"
                            + " attempts=" + (s.attempts() + 1));
                    LOG.warnf("request=%s system=%s given up after %d attempts: %s", id, s.system(),
                            s.attempts() + 1, t.code());
                }
                yield Optional.empty();
            }
            case Reply.Retry t -> {
                Duration delay = backoff.delay(s.attempts() + 1);
                update(id, part, from, "PENDING", null, t.code(), now.plus(delay), now);
                LOG.infof("request=%s system=%s retry in %ds: %s", id, s.system(), delay.toSeconds(), t.code());
                yield Optional.of(delay);
            }
            case Reply.Failed f -> {
                boolean timedOut = f.code().equals(CALLBACK_TIMEOUT);
                // A callback timeout is decided without a send: it is not an attempt of its own.
                if (timedOut ? settleWaiting(id, part, f.code(), now)
                        : update(id, part, from, "FAILED", null, f.code(), null, now)) {
                    audit.record(id, "system-failed", "system=" + s.system() + " code=" + f.code()
                            + (timedOut ? " gave-up attempts=" + s.attempts() : ""));
                    if (timedOut) {
                        LOG.warnf("request=%s system=%s never called back after %d attempts", id, s.system(),
                                s.attempts());
                    }
                }
                yield Optional.empty();
            }
        });
    }

    /**
     * After the attempts: every step DONE (true), one FAILED (the request is FAILED), or some still owed
     * (the lease is released and the retries are put on the queue).
     */
    private boolean conclude(UUID id, List<Duration> retries) {
        boolean done = QuarkusTransaction.requiringNew().call(() -> {
            DeletionRequest r = requests.lock(id);
            if (r.status != DeletionStatus.IN_PROGRESS) {
                return false;
            }
            List<Step> now = load(id);
            Optional<Step> failed = now.stream().filter(s -> s.status().equals("FAILED")).findFirst();
            if (failed.isPresent()) {
                fail(r, failed.get().system(), failed.get().lastError(), clock.instant(), audit);
                requests.update(r);
                return false;
            }
            if (now.stream().allMatch(Step::done)) {
                return true;
            }
            // Waiting for a callback or a retry: no lease is held meanwhile. A run-out lease is also what
            // the watchdog's redrive looks for, so a lost message still leads to the next pass.
            r.leaseUntil = clock.instant();
            requests.update(r);
            return false;
        });
        // One message per retry recorded in this pass, never more: a pass that only looked sends none.
        retries.stream().min(Comparator.naturalOrder()).ifPresent(delay -> {
            try {
                queue.enqueueLater(id, delay);
            } catch (RuntimeException e) {
                LOG.warnf("request=%s retry not enqueued (%s); the watchdog's redrive brings it back", id,
                        e.getClass().getSimpleName());
            }
        });
        return done;
    }

    /**
     * The request needs a person: one system refused its part. On the caller's transaction, r locked; the
     * caller stores r.
     */
    static void fail(DeletionRequest r, String system, String code, Instant now, AuditLog audit) {
        r.status = DeletionStatus.FAILED;
        r.failedAt = now;
        r.leaseUntil = null;
        r.lastError = PREFIX + system + ":" + code;
        audit.record(r.id, "failed", "system=" + system + " code=" + code);
    }

    List<Step> load(UUID id) {
        return jdbc.call(c -> load(c, id, false));
    }

    /** lock: FOR UPDATE, on the caller's transaction. */
    static List<Step> load(Connection c, UUID id, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT part, status, attempts, last_error, outcome,"
                + " next_attempt_at, first_attempt_at FROM deletion_step WHERE request_id = ? AND part LIKE 'system:%' ORDER BY part"
                + (lock ? " FOR UPDATE" : ""))) {
            ps.setObject(1, id);
            List<Step> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp next = rs.getTimestamp(6);
                    Timestamp first = rs.getTimestamp(7);
                    out.add(new Step(rs.getString(1).substring(PREFIX.length()), rs.getString(2), rs.getInt(3),
                            rs.getString(4), rs.getString(5), next == null ? null : next.toInstant(),
                            first == null ? null : first.toInstant()));
                }
            }
            return out;
        }
    }

    /**
     * Records one attempt: moves a step still in status {@code from} (PENDING, or WAITING for a job sent again),
     * counting the attempt; false when it was no longer in that status (a callback settled it meanwhile).
     */
    private boolean update(UUID id, String part, String from, String status, String outcome, String error,
            Instant next, Instant now) {
        return jdbc.call(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE deletion_step SET status = ?, outcome = ?,"
                    + " last_error = ?, next_attempt_at = ?, attempts = attempts + 1, updated_at = ?,"
                    + " first_attempt_at = coalesce(first_attempt_at, ?)"
                    + " WHERE request_id = ? AND part = ? AND status = ?")) {
                ps.setString(1, status);
                ps.setString(2, outcome);
                ps.setString(3, error);
                ps.setTimestamp(4, next == null ? null : Timestamp.from(next));
                ps.setTimestamp(5, Timestamp.from(now));
                ps.setTimestamp(6, Timestamp.from(now));
                ps.setObject(7, id);
                ps.setString(8, part);
                ps.setString(9, from);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** A WAITING step whose window ended with no attempt left: FAILED, not counted; false if a callback won. */
    private boolean settleWaiting(UUID id, String part, String code, Instant now) {
        return jdbc.call(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE deletion_step SET status = 'FAILED',"
                    + " last_error = ?, next_attempt_at = NULL, updated_at = ?"
                    + " WHERE request_id = ? AND part = ? AND status = 'WAITING'")) {
                ps.setString(1, code);
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setObject(3, id);
                ps.setString(4, part);
                return ps.executeUpdate() == 1;
            }
        });
    }

    static String write(Result result) {
        try {
            return JSON.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("system result not writable");
        }
    }

    static Result read(String outcome) {
        try {
            return JSON.readValue(outcome, Result.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("system result not readable");
        }
    }
}
