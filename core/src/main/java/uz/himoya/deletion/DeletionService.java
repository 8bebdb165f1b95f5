package uz.himoya.deletion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import uz.himoya.audit.AuditLog;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.crypto.Secrets;
import uz.himoya.db.Jdbc;
import uz.himoya.policy.Locales;
import uz.himoya.store.AppRegistry;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.problem.Problem;
import uz.himoya.queue.JobQueue;

/**
 * The deletion workflow as an app and its users drive it: intake, status, cancel, and confirmation of a
 * verification link. The intake answers the same whether or not the subject exists in the app: who the
 * subject is gets looked up later, by the worker.
 */
@ApplicationScoped
public class DeletionService {
    private static final Logger LOG = Logger.getLogger(DeletionService.class);
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}\\.[^@\\s]{1,63}");
    /**
     * Characters that make one address look like another: zero-width (U+200B-U+200D, U+2060, U+FEFF) and
     * bidi controls (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069). Refused even if SMTPUTF8 comes one day.
     */
    private static final Pattern INVISIBLE = Pattern
            .compile("[\\u200B-\\u200F\\u202A-\\u202E\\u2060\\u2066-\\u2069\\uFEFF]");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._:-]{1,200}");

    /** The answer to an intake call: the HTTP status to use and the request as the API shows it. */
    public record Submitted(int status, DeletionView view) {
    }

    /** What a verification link leads to. */
    public enum PageState {
        FORM, CONFIRMED, ALREADY_CONFIRMED, INVALID, EXPIRED, CANCELLED
    }

    /** The state behind a token, with what the page needs to render it. */
    public record TokenPage(PageState state, PrivacyMap.App app, DeletionRequest request) {
    }

    /** The answer to "this wasn't me": the page, and whether this call cancelled the request. */
    public record NotMe(TokenPage page, boolean cancelledNow) {
    }

    private final AppRegistry apps;
    private final Secrets secrets;
    private final Clock clock;
    private final HimoyaConfig config;
    private final JobQueue queue;
    private final AuditLog audit;
    private final Jdbc jdbc;
    private final DeletionRequests requests;
    private final ObjectMapper json;

    public DeletionService(AppRegistry apps, Secrets secrets, Clock clock, HimoyaConfig config, JobQueue queue,
            AuditLog audit, Jdbc jdbc, DeletionRequests requests, ObjectMapper json) {
        this.apps = apps;
        this.secrets = secrets;
        this.clock = clock;
        this.config = config;
        this.queue = queue;
        this.audit = audit;
        this.jdbc = jdbc;
        this.requests = requests;
        this.json = json;
    }

    public Submitted submit(String appId, IntakeCommand cmd) {
        PrivacyMap.App app = apps.app(appId);
        validate(app, cmd);
        Optional<String> email = cmd.subjectEmail().map(e -> e.trim().toLowerCase(Locale.ROOT));
        Optional<String> id = cmd.subjectId().map(String::trim);
        byte[] idHash = id.map(v -> secrets.keyedHash(appId, "id", v)).orElse(null);
        byte[] emailHash = email.map(v -> secrets.keyedHash(appId, "email", v)).orElse(null);
        boolean[] created = new boolean[1];
        Submitted result = QuarkusTransaction.requiringNew().call(() -> {
            Optional<Submitted> replay = cmd.idempotencyKey().flatMap(k -> replay(appId, k, cmd.fingerprint()));
            if (replay.isPresent()) {
                return replay.get();
            }
            rateLimit(appId, idHash != null ? idHash : emailHash);
            lockSubject(appId, idHash, emailHash);
            DeletionRequest r = findOpen(appId, idHash, emailHash).orElse(null);
            if (r == null) {
                r = create(app, id, email, idHash, emailHash, cmd);
                created[0] = true;
            }
            Submitted s = new Submitted(202, view(r));
            cmd.idempotencyKey().ifPresent(k -> remember(appId, k, cmd.fingerprint(), s));
            return s;
        });
        if (created[0] || result.view().status().open()) {
            enqueueIfNotYet(result.view().id());
        }
        return result;
    }

    public DeletionView get(String appId, UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> view(expireIfLapsed(owned(appId, id))));
    }

    public DeletionView cancel(String appId, UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            DeletionRequest r = expireIfLapsed(owned(appId, id));
            if (!r.status.cancellable()) {
                throw Problem.conflict("A request in status " + r.status + " cannot be cancelled.");
            }
            r.status = DeletionStatus.CANCELLED;
            r.cancelledAt = clock.instant();
            r.purgeSubject();
            requests.update(r);
            audit.record(r.id, "cancelled", null);
            return view(r);
        });
    }

    /** What a GET of the verification link shows; changes nothing but a lapsed request's status. */
    public TokenPage inspect(String token) {
        return QuarkusTransaction.requiringNew().call(() -> page(byToken(token).map(this::expireIfLapsed)));
    }

    /** Confirms through the link: only a POST gets here, because mail scanners prefetch GET links. */
    public TokenPage confirm(String token) {
        TokenPage page = QuarkusTransaction.requiringNew().call(() -> {
            Optional<DeletionRequest> found = byToken(token).map(this::expireIfLapsed);
            if (found.isPresent() && found.get().status == DeletionStatus.AWAITING_VERIFICATION) {
                DeletionRequest r = found.get();
                r.status = DeletionStatus.QUEUED;
                r.verifiedAt = clock.instant();
                r.mailPending = null;
                r.enqueuedAt = null;
                requests.update(r);
                audit.record(r.id, "verified", null);
                return new TokenPage(PageState.CONFIRMED, apps.app(r.appId), r);
            }
            return page(found);
        });
        if (page.state() == PageState.CONFIRMED) {
            enqueueIfNotYet(page.request().id);
        }
        return page;
    }

    /**
     * The subject's "this wasn't me": a request still awaiting verification is cancelled, nothing is erased,
     * and the app's privacy contact is told (by the worker, from the request's state, so a queue or SMTP
     * outage delays the notice but cannot lose it). Someone filed a request for this subject's account
     * without them; the app should know, and the subject is shown whom to ask.
     */
    public NotMe notMe(String token) {
        NotMe answer = QuarkusTransaction.requiringNew().call(() -> {
            Optional<DeletionRequest> found = byToken(token).map(this::expireIfLapsed);
            if (found.isPresent() && found.get().status == DeletionStatus.AWAITING_VERIFICATION) {
                DeletionRequest r = found.get();
                r.status = DeletionStatus.CANCELLED;
                r.cancelledAt = clock.instant();
                r.purgeSubject();
                r.mailPending = DeletionRequest.MailPending.NOT_ME;
                r.enqueuedAt = null;
                requests.update(r);
                audit.record(r.id, "cancelled", "not-me");
                return new NotMe(new TokenPage(PageState.CANCELLED, apps.app(r.appId), r), true);
            }
            return new NotMe(page(found), false);
        });
        if (answer.cancelledNow()) {
            enqueueIfNotYet(answer.page().request().id);
        }
        return answer;
    }

    private TokenPage page(Optional<DeletionRequest> found) {
        if (found.isEmpty()) {
            return new TokenPage(PageState.INVALID, null, null);
        }
        DeletionRequest r = found.get();
        PrivacyMap.App app = apps.app(r.appId);
        PageState state = switch (r.status) {
            case AWAITING_VERIFICATION -> PageState.FORM;
            case QUEUED, IN_PROGRESS, COMPLETED, FAILED -> PageState.ALREADY_CONFIRMED;
            case CANCELLED -> PageState.CANCELLED;
            case EXPIRED -> PageState.EXPIRED;
        };
        return new TokenPage(state, app, r);
    }

    private Optional<DeletionRequest> byToken(String token) {
        if (token == null || token.isBlank() || token.length() > 200) {
            return Optional.empty();
        }
        return requests.findByTokenForUpdate(Secrets.sha256(token));
    }

    /** Another app's request answers 404 exactly like a missing one: its existence is not leaked. */
    private DeletionRequest owned(String appId, UUID id) {
        DeletionRequest r = requests.findForUpdate(id).orElse(null);
        if (r == null || !r.appId.equals(appId)) {
            throw Problem.notFound("The deletion request");
        }
        return r;
    }

    /**
     * An unverified request whose link lapsed is EXPIRED, and keeps nothing of its subject. The link's hash
     * stays (it identifies nobody), so the link keeps answering 410 with the expired page instead of a 404
     * from its second use on; the sweep's himoya:expired-tokens rule drops it later. Stored at once (r is
     * locked): a caller that changes r further stores it again.
     */
    DeletionRequest expireIfLapsed(DeletionRequest r) {
        if (r.status == DeletionStatus.AWAITING_VERIFICATION && r.tokenExpiresAt != null
                && clock.instant().isAfter(r.tokenExpiresAt)) {
            r.status = DeletionStatus.EXPIRED;
            r.expiredAt = clock.instant();
            r.purgeSubject();
            requests.update(r);
            audit.record(r.id, "expired", null);
        }
        return r;
    }

    private DeletionRequest create(PrivacyMap.App app, Optional<String> id, Optional<String> email, byte[] idHash,
            byte[] emailHash, IntakeCommand cmd) {
        Instant now = clock.instant();
        DeletionRequest r = new DeletionRequest();
        r.id = UUID.randomUUID();
        r.appId = app.id();
        r.subjectIdHash = idHash;
        r.subjectEmailHash = emailHash;
        r.subjectRef = new SubjectRef(id.orElse(null), email.orElse(null)).seal(secrets);
        r.locale = cmd.locale().flatMap(Locales::canonical).orElse(null);
        r.attested = cmd.verified();
        r.receivedAt = now;
        // The deadline runs from receipt (Deepen 6.2: within 14 days of the request), not from verification.
        r.dueAt = now.atZone(app.jurisdiction().zone()).plus(app.deletionDeadline()).toInstant();
        if (cmd.verified()) {
            r.status = DeletionStatus.QUEUED;
            r.verifiedAt = now;
        } else {
            r.status = DeletionStatus.AWAITING_VERIFICATION;
            r.mailPending = DeletionRequest.MailPending.VERIFICATION;
            r.tokenExpiresAt = now.plus(config.intake().tokenTtl());
        }
        requests.insert(r);
        audit.record(r.id, "received", cmd.verified() ? "attested" : "email-verification");
        return r;
    }

    private void validate(PrivacyMap.App app, IntakeCommand cmd) {
        List<Problem.FieldError> errors = fieldErrors(app, cmd);
        if (!errors.isEmpty()) {
            throw Problem.validation(errors);
        }
    }

    /** Every field error of a command, so an app learns all of them from one 422. */
    public List<Problem.FieldError> fieldErrors(String appId, IntakeCommand cmd) {
        return fieldErrors(apps.app(appId), cmd);
    }

    private static List<Problem.FieldError> fieldErrors(PrivacyMap.App app, IntakeCommand cmd) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (cmd.subjectId().isEmpty() && cmd.subjectEmail().isEmpty()) {
            errors.add(new Problem.FieldError("subject", "give subject.id, subject.email, or both"));
        }
        cmd.subjectId().ifPresent(v -> {
            if (v.isBlank() || v.length() > 200) {
                errors.add(new Problem.FieldError("subject.id", "must be 1 to 200 characters"));
            }
        });
        cmd.subjectEmail().ifPresent(v -> {
            if (INVISIBLE.matcher(v).find() || !v.chars().allMatch(c -> c < 0x80)) {
                // Mail goes out without SMTPUTF8 (RFC 6531), so only ASCII addresses can be sent as they are
                // (uz.himoya.notice.MailGateway). The error names the field, never the value.
                errors.add(new Problem.FieldError("subject.email",
                        "must be an ASCII address, without zero-width or bidi control characters"));
            } else if (!EMAIL.matcher(v.trim()).matches()) {
                errors.add(new Problem.FieldError("subject.email", "is not an e-mail address"));
            }
        });
        cmd.locale().ifPresent(v -> {
            if (Locales.canonical(v).filter(app.locales()::contains).isEmpty()) {
                errors.add(new Problem.FieldError("locale", "must be one of " + app.locales()));
            }
        });
        if (cmd.verified() && !app.verification().allowsAttested()) {
            errors.add(new Problem.FieldError("verified",
                    "this app verifies every request by e-mail; send false or leave it out"));
        }
        if (!cmd.verified() && !app.verification().allowsEmail()) {
            errors.add(new Problem.FieldError("verified", "this app files only requests of signed-in users: send true"));
        }
        cmd.idempotencyKey().ifPresent(k -> {
            if (!IDEMPOTENCY_KEY.matcher(k).matches()) {
                errors.add(new Problem.FieldError("Idempotency-Key", "1 to 200 characters of A-Z a-z 0-9 . _ : -"));
            }
        });
        return errors;
    }

    /**
     * SnapStart priming (uz.himoya.snapstart): the intake's statements for a subject nobody is (the hash of
     * a random value), in a transaction that is rolled back, so nothing is stored.
     */
    public void primeIntake(String appId) {
        byte[] hash = secrets.keyedHash(appId, "id", UUID.randomUUID().toString());
        QuarkusTransaction.begin();
        try {
            rateLimit(appId, hash);
            lockSubject(appId, hash, null);
            findOpen(appId, hash, null);
            // enqueueIfNotYet's statement, for an id nobody has.
            requests.markEnqueued(UUID.randomUUID(), clock.instant());
        } finally {
            QuarkusTransaction.rollback();
        }
    }

    private Optional<DeletionRequest> findOpen(String appId, byte[] idHash, byte[] emailHash) {
        for (var hash : Arrays.asList(idHash, emailHash)) {
            if (hash == null) {
                continue;
            }
            Optional<DeletionRequest> r = requests.findOpen(appId,
                    hash == idHash ? DeletionRequests.SubjectHash.ID : DeletionRequests.SubjectHash.EMAIL, hash);
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }

    /** Serializes intakes for one subject, so two concurrent calls cannot both open a request. */
    private void lockSubject(String appId, byte[] idHash, byte[] emailHash) {
        List<String> keys = new ArrayList<>();
        if (idHash != null) {
            keys.add(appId + ":" + HexFormat.of().formatHex(idHash));
        }
        if (emailHash != null) {
            keys.add(appId + ":" + HexFormat.of().formatHex(emailHash));
        }
        keys.sort(null); // one order for everyone: no deadlock between two locks
        jdbc(c -> {
            for (String k : keys) {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
                    ps.setString(1, k);
                    ps.execute();
                }
            }
            return null;
        });
    }

    private void rateLimit(String appId, byte[] subjectHash) {
        Instant now = clock.instant();
        Duration window = config.intake().rateWindow();
        Object[] row = jdbc(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO intake_rate (app_id, subject_hash, window_start, hits) VALUES (?, ?, ?, 1)
                    ON CONFLICT (app_id, subject_hash) DO UPDATE SET
                      hits = CASE WHEN intake_rate.window_start <= ? THEN 1 ELSE intake_rate.hits + 1 END,
                      window_start = CASE WHEN intake_rate.window_start <= ? THEN EXCLUDED.window_start
                                          ELSE intake_rate.window_start END
                    RETURNING hits, window_start""")) {
                Timestamp windowFloor = Timestamp.from(now.minus(window));
                ps.setString(1, appId);
                ps.setBytes(2, subjectHash);
                ps.setTimestamp(3, Timestamp.from(now));
                ps.setTimestamp(4, windowFloor);
                ps.setTimestamp(5, windowFloor);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Object[] { rs.getInt(1), rs.getTimestamp(2).toInstant() };
                }
            }
        });
        if ((int) row[0] > config.intake().maxPerSubject()) {
            long retryAfter = Math.max(1, Duration.between(now, ((Instant) row[1]).plus(window)).toSeconds());
            // The count must survive the 429 itself, so it commits on its own.
            throw new Problem(429, "too-many-requests", "Too many requests",
                    "Too many deletion requests for this subject; try again later.", List.of(),
                    Map.of("Retry-After", Long.toString(retryAfter)));
        }
    }

    private Optional<Submitted> replay(String appId, String key, byte[] fingerprint) {
        jdbc(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 1))")) {
                ps.setString(1, appId + ":" + key);
                ps.execute();
            }
            return null;
        });
        return jdbc(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT fingerprint, response_status, response_body FROM idempotency_record
                     WHERE app_id = ? AND idem_key = ? AND created_at > ?""")) {
                ps.setString(1, appId);
                ps.setString(2, key);
                ps.setTimestamp(3, Timestamp.from(clock.instant().minus(config.intake().idempotencyTtl())));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    if (!Arrays.equals(rs.getBytes(1), fingerprint)) {
                        throw Problem.validation(List.of(new Problem.FieldError("Idempotency-Key",
                                "was used before with a different request body")));
                    }
                    return Optional.of(new Submitted(rs.getInt(2), readView(rs.getString(3))));
                }
            }
        });
    }

    private void remember(String appId, String key, byte[] fingerprint, Submitted s) {
        jdbc(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO idempotency_record (app_id, idem_key, fingerprint, response_status, response_body,
                                                    created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (app_id, idem_key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,
                      response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body,
                      created_at = EXCLUDED.created_at""")) {
                ps.setString(1, appId);
                ps.setString(2, key);
                ps.setBytes(3, fingerprint);
                ps.setInt(4, s.status());
                ps.setString(5, json.writeValueAsString(s.view()));
                ps.setTimestamp(6, Timestamp.from(clock.instant()));
                ps.executeUpdate();
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot store idempotent answer");
            }
            return null;
        });
    }

    private DeletionView readView(String body) {
        try {
            return json.readValue(body, DeletionView.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored idempotent answer is unreadable");
        }
    }

    /**
     * Hands the request to the worker once it is committed. If the queue is down the request stays stored
     * with enqueued_at empty: a repeated intake or the watchdog sends it again. The app's answer is still
     * 202, because the request is durably stored.
     */
    public void enqueueIfNotYet(UUID id) {
        try {
            queue.enqueue(id);
            QuarkusTransaction.requiringNew().run(() -> requests.markEnqueued(id, clock.instant()));
        } catch (RuntimeException e) {
            LOG.warnf("request=%s could not be enqueued (%s); it stays stored and will be re-driven", id,
                    e.getClass().getSimpleName());
        }
    }

    static DeletionView view(DeletionRequest r, Receipt receipt) {
        return new DeletionView(r.id, r.status, r.receivedAt, r.dueAt, r.verifiedAt, r.startedAt, r.completedAt,
                r.cancelledAt, r.expiredAt, r.failedAt, r.status == DeletionStatus.FAILED ? r.lastError : null,
                receipt, Map.of("self", "/v1/deletion-requests/" + r.id));
    }

    private DeletionView view(DeletionRequest r) {
        try {
            return view(r, r.receipt == null ? null : json.readValue(r.receipt, Receipt.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored receipt is unreadable");
        }
    }

    /** Plain JDBC on the connection of the current transaction (Agroal enlists it in JTA). */
    private <T> T jdbc(Jdbc.Work<T> work) {
        return jdbc.call(work);
    }
}
