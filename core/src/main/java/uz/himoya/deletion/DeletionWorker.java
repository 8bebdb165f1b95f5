package uz.himoya.deletion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;
import uz.himoya.audit.AuditLog;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.crypto.Secrets;
import uz.himoya.db.Jdbc;
import uz.himoya.db.SqlErrors;
import uz.himoya.erasure.CutLoose;
import uz.himoya.erasure.TableOutcome;
import uz.himoya.holds.HoldStore;
import uz.himoya.notice.MailGateway;
import uz.himoya.notice.RenderedMail;
import uz.himoya.policy.Locales;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.queue.JobMessages;
import uz.himoya.queue.QueueMessage;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.StoreConnections;
import uz.himoya.store.port.SubjectFinder;

/**
 * Does a request's next step, whatever delivered the message: send the verification mail, erase, or send
 * the confirmation. The database decides what is due, so a redelivered message for finished work changes
 * nothing and sends nothing. Each step is its own transaction; a mail is marked sent only in the
 * transaction that sent it.
 */
@ApplicationScoped
public class DeletionWorker {
    private static final Logger LOG = Logger.getLogger(DeletionWorker.class);

    /** DONE: the message can go. RETRY: keep it; the queue redelivers it later. */
    public enum Outcome {
        DONE, RETRY
    }

    private enum Claim {
        CLAIMED, BUSY, NOT_DUE
    }

    private final AppRegistry apps;
    private final Secrets secrets;
    private final Clock clock;
    private final HimoyaConfig config;
    private final AuditLog audit;
    private final Jdbc jdbc;
    private final DeletionRequests requests;
    private final DeletionMails mails;
    private final MailGateway gateway;
    private final ObjectMapper json;
    private final StoreConnections stores;
    private final DeletionSteps steps;
    private final SystemSteps systems;

    public DeletionWorker(AppRegistry apps, Secrets secrets, Clock clock, HimoyaConfig config, AuditLog audit,
            Jdbc jdbc, DeletionRequests requests, DeletionMails mails, MailGateway gateway, ObjectMapper json,
            StoreConnections stores, DeletionSteps steps, SystemSteps systems) {
        this.apps = apps;
        this.secrets = secrets;
        this.clock = clock;
        this.config = config;
        this.audit = audit;
        this.jdbc = jdbc;
        this.requests = requests;
        this.mails = mails;
        this.gateway = gateway;
        this.json = json;
        this.stores = stores;
        this.steps = steps;
        this.systems = systems;
    }

    /**
     * Processes a batch message by message and returns the ids of the messages to redeliver (partial batch
     * failure): one bad or failing message never holds back the others. A malformed message is reported
     * failed, so after its retries it lands in the dead-letter queue where ops can see it.
     */
    public List<String> processBatch(List<QueueMessage> batch) {
        List<String> failed = new ArrayList<>();
        for (QueueMessage m : batch) {
            Optional<UUID> id = JobMessages.requestId(m.body());
            if (id.isEmpty()) {
                LOG.warnf("message=%s is not a job message; left for the dead-letter queue", m.messageId());
                failed.add(m.messageId());
                continue;
            }
            try {
                if (process(id.get()) == Outcome.RETRY) {
                    failed.add(m.messageId());
                }
            } catch (RuntimeException e) {
                LOG.warnf("request=%s step failed: %s", id.get(), errorCode(e));
                failed.add(m.messageId());
            }
        }
        return failed;
    }

    public Outcome process(UUID id) {
        DeletionRequest r = QuarkusTransaction.requiringNew().call(() -> requests.find(id)).orElse(null);
        if (r == null) {
            LOG.warnf("request=%s unknown; message dropped", id);
            return Outcome.DONE;
        }
        return switch (r.status) {
            case AWAITING_VERIFICATION -> r.mailPending == DeletionRequest.MailPending.VERIFICATION
                    ? sendVerification(id)
                    : Outcome.DONE;
            case QUEUED, IN_PROGRESS -> erase(id);
            case COMPLETED -> r.mailPending == DeletionRequest.MailPending.CONFIRMATION ? sendConfirmation(id)
                    : Outcome.DONE;
            case CANCELLED -> r.mailPending == DeletionRequest.MailPending.NOT_ME ? sendNotMe(id) : Outcome.DONE;
            case EXPIRED, FAILED -> Outcome.DONE;
        };
    }

    private Outcome sendVerification(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            DeletionRequest r = requests.lock(id);
            if (r.status != DeletionStatus.AWAITING_VERIFICATION
                    || r.mailPending != DeletionRequest.MailPending.VERIFICATION) {
                return Outcome.DONE;
            }
            if (r.tokenExpiresAt != null && clock.instant().isAfter(r.tokenExpiresAt)) {
                return Outcome.DONE; // lapsed before the mail could go; reads and sweeps mark it EXPIRED
            }
            AppRegistry.CompiledApp app = apps.require(r.appId);
            SubjectRef ref = SubjectRef.open(secrets, r.subjectRef);
            Optional<SubjectFinder.Subject> subject = find(app, ref);
            r.mailPending = null;
            if (subject.isEmpty() || subject.get().email() == null || subject.get().email().isBlank()) {
                // Nobody to prove control of an address: the request lapses unconfirmed. The app saw the
                // same 202 either way, so the intake does not reveal who is a user.
                requests.update(r);
                audit.record(r.id, "verification-not-sent", "no-registered-address");
                return Outcome.DONE;
            }
            r.locale = locale(r.locale, subject.get(), app);
            String token = secrets.newToken();
            r.tokenHash = Secrets.sha256(token);
            String link = config.publicBaseUrl() + "/v1/confirm?token=" + token;
            RenderedMail mail = mails.verification(app.app(), r, link);
            // Stored before the mail goes, so a refused update sends nothing; sent inside the transaction:
            // if SMTP fails, the token and the flag roll back and the job retries.
            requests.update(r);
            gateway.send(subject.get().email(), mail);
            audit.record(r.id, "verification-sent", null);
            return Outcome.DONE;
        });
    }

    /**
     * Tells the app's privacy contact that the subject said "this wasn't me" (DeletionService.notMe): in the
     * app's default language, with the request's reference only; the subject's identity is already purged.
     */
    private Outcome sendNotMe(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            DeletionRequest r = requests.lock(id);
            if (r.status != DeletionStatus.CANCELLED || r.mailPending != DeletionRequest.MailPending.NOT_ME) {
                return Outcome.DONE;
            }
            PrivacyMap.App app = apps.require(r.appId).app();
            gateway.send(app.contactEmail(), mails.notMe(app, r));
            r.mailPending = null;
            requests.update(r);
            audit.record(r.id, "contact-told", "not-me");
            return Outcome.DONE;
        });
    }

    private Outcome erase(UUID id) {
        Claim claim = QuarkusTransaction.requiringNew().call(() -> claim(id));
        if (claim == Claim.BUSY) {
            return Outcome.RETRY;
        }
        if (claim == Claim.NOT_DUE) {
            return Outcome.DONE;
        }
        try {
            if (QuarkusTransaction.requiringNew().call(() -> resolve(id)) == Resolved.STOPPED) {
                return Outcome.DONE;
            }
            for (String store : inErasureOrder(id, QuarkusTransaction.requiringNew().call(() -> steps.pending(id)))) {
                if (!eraseIn(id, store)) {
                    return Outcome.DONE;
                }
            }
            if (!systems.settle(id)) {
                return Outcome.DONE; // a system still owes its part (SystemSteps has arranged what comes next)
            }
            QuarkusTransaction.requiringNew().run(() -> complete(id));
        } catch (RuntimeException e) {
            recordFailure(id, e);
            return Outcome.RETRY;
        }
        return sendConfirmation(id);
    }

    /**
     * The pending stores in the map's erasure order: other stores first, the subject's store last
     * (CatalogueValidator). A request stopped halfway (a hold placed meanwhile, a store down) thus leaves the
     * subject's own row, which the app and a later access request still know them by, until the end.
     */
    private List<String> inErasureOrder(UUID id, List<String> pending) {
        DeletionRequest r = QuarkusTransaction.requiringNew().call(() -> requests.find(id)).orElseThrow();
        return apps.require(r.appId).map().tables().stream().map(PrivacyMap.Table::store).distinct()
                .filter(pending::contains).toList();
    }

    /** Takes the job with a lease; a crashed worker's lease runs out and the job is taken again. */
    private Claim claim(UUID id) {
        DeletionRequest r = requests.lock(id);
        Instant now = clock.instant();
        if (r.status == DeletionStatus.IN_PROGRESS && r.leaseUntil != null && r.leaseUntil.isAfter(now)) {
            return Claim.BUSY;
        }
        if (r.status != DeletionStatus.QUEUED && r.status != DeletionStatus.IN_PROGRESS) {
            return Claim.NOT_DUE;
        }
        r.status = DeletionStatus.IN_PROGRESS;
        r.leaseUntil = now.plus(config.worker().lease());
        if (r.startedAt == null) {
            r.startedAt = now;
        }
        requests.update(r);
        return Claim.CLAIMED;
    }

    private enum Resolved {
        ERASE, STOPPED
    }

    /**
     * Finds the subject in the app's store (once: the key is then kept sealed until the request completes),
     * checks legal holds, and opens one step per store. A subject who is not there completes at once with a
     * receipt saying so; a held subject waits.
     */
    private Resolved resolve(UUID id) {
        DeletionRequest r = requests.lock(id);
        if (r.status != DeletionStatus.IN_PROGRESS) {
            return Resolved.STOPPED;
        }
        AppRegistry.CompiledApp app = apps.require(r.appId);
        String key;
        if (r.subjectKey != null) {
            key = secrets.decrypt(r.subjectKey);
        } else {
            SubjectRef ref = SubjectRef.open(secrets, r.subjectRef);
            Optional<SubjectFinder.Subject> subject = find(app, ref);
            if (subject.isEmpty()) {
                finish(r, app, false, List.of());
                requests.update(r);
                return Resolved.STOPPED;
            }
            key = subject.get().key();
            r.subjectKey = secrets.encrypt(key);
            if (subject.get().email() != null && !subject.get().email().isBlank()) {
                // The address lives on only until the confirmation is sent, sealed.
                r.locale = locale(r.locale, subject.get(), app);
                r.notifyAddress = secrets.encrypt(subject.get().email());
            }
            requests.update(r); // the sealed key (and address) commit with this step, held or not
        }
        Optional<HoldStore.ActiveHold> hold = held(r.appId, key);
        if (hold.isPresent()) {
            waitForHold(r, app, hold.get());
            requests.update(r);
            return Resolved.STOPPED;
        }
        steps.open(id, app.map().stores().stream().map(PrivacyMap.Store::name)
                .filter(s -> !app.eraser(s).tables().isEmpty()).toList(), clock.instant());
        systems.open(id, app.map(), clock.instant());
        return Resolved.ERASE;
    }

    /**
     * One store's part: its tables and its ledger row in one transaction of the store, then Himoya's copy of
     * the counts. A crash between the two commits is healed by the next attempt, which finds the ledger row.
     * The hold is checked again first: one placed while another store was being erased stops this one
     * (false), and the request waits for it with its open steps.
     */
    private boolean eraseIn(UUID id, String storeName) {
        DeletionRequest r = QuarkusTransaction.requiringNew().call(() -> requests.find(id)).orElseThrow();
        AppRegistry.CompiledApp app = apps.require(r.appId);
        String key = secrets.decrypt(r.subjectKey);
        boolean stop = QuarkusTransaction.requiringNew().call(() -> {
            Optional<HoldStore.ActiveHold> hold = held(r.appId, key);
            hold.ifPresent(h -> {
                DeletionRequest locked = requests.lock(id);
                waitForHold(locked, app, h);
                requests.update(locked);
            });
            return hold.isPresent();
        });
        if (stop) {
            return false;
        }
        PrivacyMap.Store store = app.map().store(storeName);
        StoreErasure.Counts counts;
        try (Connection c = stores.open(store)) {
            counts = StoreErasure.run(c, store, app.eraser(storeName), id, key);
        } catch (SQLException e) {
            throw new ErasureFailure(e);
        }
        QuarkusTransaction.requiringNew().run(() -> steps.done(id, storeName, StoreErasure.write(counts.rows()),
                clock.instant()));
        if (counts.fromLedger()) {
            audit.record(id, "store-erasure-recovered", "store=" + storeName);
        }
        return true;
    }

    /** Every step done: the receipt from the steps' counts, and the request completed, in one transaction. */
    private void complete(UUID id) {
        DeletionRequest r = requests.lock(id);
        if (r.status != DeletionStatus.IN_PROGRESS) {
            return;
        }
        AppRegistry.CompiledApp app = apps.require(r.appId);
        Map<String, String> done = steps.outcomes(id);
        List<TableOutcome> outcomes = new ArrayList<>();
        for (PrivacyMap.Store store : app.map().stores()) {
            String counts = done.get(store.name());
            if (counts != null) {
                outcomes.addAll(app.eraser(store.name()).outcomes(StoreErasure.read(counts)));
            }
        }
        finish(r, app, true, outcomes);
        requests.update(r);
    }

    /** Every store of the map, in the map's order, with the rows its erasure changed (0 where none was found). */
    private static List<Receipt.StoreEntry> stores(PrivacyMap map, List<TableOutcome> outcomes) {
        Map<String, Long> rows = new LinkedHashMap<>();
        map.stores().forEach(s -> rows.put(s.name(), 0L));
        for (TableOutcome o : outcomes) {
            map.table(o.table()).ifPresent(t -> rows.merge(t.store(), o.rows(), Long::sum));
        }
        return map.stores().stream().map(s -> new Receipt.StoreEntry(s.name(),
                s.kind().name().toLowerCase(java.util.Locale.ROOT), rows.get(s.name()))).toList();
    }

    /** Completes r in memory; the caller stores it. */
    private void finish(DeletionRequest r, AppRegistry.CompiledApp app, boolean found, List<TableOutcome> outcomes) {
        Instant now = clock.instant();
        Receipt receipt = new Receipt(now, found, outcomes.stream()
                .map(o -> new Receipt.Entry(o.table(), o.action().name(), o.rows(), o.categories(),
                        o.anonymizedColumns(), o.keptBecause().orElse(null), links(app.map(), o)))
                .toList(), systems.receipt(r.id, app.map()), stores(app.map(), outcomes));
        byte[] notify = r.notifyAddress;
        r.status = DeletionStatus.COMPLETED;
        r.completedAt = now;
        r.leaseUntil = null;
        r.lastError = null;
        r.receipt = write(receipt);
        r.purgeSubject();
        if (found && notify != null) {
            r.notifyAddress = notify;
            r.mailPending = DeletionRequest.MailPending.CONFIRMATION;
        }
        audit.record(r.id, "erased", found ? "tables=" + outcomes.size() : "subject-not-found");
    }

    /** The receipt's lines for the links an outcome cut; a tombstone by its key (in the referenced table). */
    static List<Receipt.Link> links(PrivacyMap map, TableOutcome o) {
        return o.cutLoose().stream().map(l -> new Receipt.Link(l.column(), l.references().orElse(null),
                l.now().name(), l.now() == CutLoose.Now.TOMBSTONE ? l.references().flatMap(map::tombstoneOf)
                        .map(PrivacyMap.Tombstone::key).orElse(null) : null))
                .toList();
    }

    /** On the caller's transaction: the check and the wait it leads to commit together. */
    private Optional<HoldStore.ActiveHold> held(String appId, String key) {
        return jdbc.call(c -> HoldStore.active(c, secrets, appId, key));
    }

    /**
     * A legal hold suspends the erasure, not the request: it waits in QUEUED, erases nothing, and its receipt
     * says per table that the data is held and why, until ops lift the hold (which drives it again). The
     * request stays open, so the deadline watchdog keeps reporting it; its due date does not move. In
     * memory: the caller stores r.
     */
    private void waitForHold(DeletionRequest r, AppRegistry.CompiledApp app, HoldStore.ActiveHold hold) {
        String why = "legal hold " + hold.id() + ": " + hold.reason();
        r.status = DeletionStatus.QUEUED;
        r.leaseUntil = null;
        r.lastError = HoldStore.HELD;
        r.receipt = write(new Receipt(null, true, app.map().tables().stream()
                .map(t -> new Receipt.Entry(t.name(), "HELD", 0, List.of(), List.of(), why)).toList()));
        audit.record(r.id, "held", "hold=" + hold.id());
    }

    private Outcome sendConfirmation(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            DeletionRequest r = requests.lock(id);
            if (r.status != DeletionStatus.COMPLETED || r.mailPending != DeletionRequest.MailPending.CONFIRMATION) {
                return Outcome.DONE;
            }
            AppRegistry.CompiledApp app = apps.require(r.appId);
            RenderedMail mail = mails.confirmation(app.app(), r, json.readValue(r.receipt, Receipt.class));
            gateway.send(secrets.decrypt(r.notifyAddress), mail);
            r.notifyAddress = null;
            r.mailPending = null;
            requests.update(r);
            audit.record(r.id, "confirmation-sent", null);
            return Outcome.DONE;
        });
    }

    /**
     * Counts a failed erasure and frees the lease so the retry can start at once. Outages (connection,
     * deadlock, shutdown) are not counted: they say nothing about the request. Other errors are, and after
     * himoya.worker.max-attempts the request is FAILED with an error code for a human to look at; its sealed
     * subject reference stays so the request can be re-queued once fixed.
     */
    private void recordFailure(UUID id, RuntimeException e) {
        String code = errorCode(e);
        LOG.warnf("request=%s erasure failed: %s", id, code);
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                DeletionRequest r = requests.lock(id);
                r.leaseUntil = clock.instant();
                if (SqlErrors.transientFailure(e)) {
                    requests.update(r);
                    return;
                }
                r.attempts++;
                r.lastError = code;
                boolean failed = r.attempts >= config.worker().maxAttempts();
                if (failed) {
                    r.status = DeletionStatus.FAILED;
                    r.failedAt = clock.instant();
                    r.leaseUntil = null;
                    audit.record(r.id, "failed", code);
                }
                requests.update(r);
                steps.failed(id, code, failed, clock.instant());
            });
        } catch (RuntimeException again) {
            LOG.warnf("request=%s failure not recorded (database unavailable: %s)", id, errorCode(again));
        }
    }

    private Optional<SubjectFinder.Subject> find(AppRegistry.CompiledApp app, SubjectRef ref) {
        try (Connection c = stores.open(app.map().subjectStore())) {
            return app.subjects().find(c, ref.optId(), ref.optEmail());
        } catch (SQLException e) {
            throw new ErasureFailure(e);
        }
    }

    /** Request's locale if the app supports it, else the user's own in the app, else the app's default. */
    private static String locale(String requested, SubjectFinder.Subject subject, AppRegistry.CompiledApp app) {
        if (requested != null) {
            return requested;
        }
        return subject.locale().flatMap(Locales::canonical).filter(app.app().locales()::contains)
                .orElse(app.app().defaultLocale());
    }

    private String write(Receipt receipt) {
        try {
            return json.writeValueAsString(receipt);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write receipt");
        }
    }

    /** An error code safe to store and log: SQL state, else the root cause's type; never a message. */
    static String errorCode(Throwable e) {
        return SqlErrors.sqlCode(e).orElseGet(() -> {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root.getClass().getSimpleName();
        });
    }

    /** A database error during erasure, carrying the SQLException for classification only. */
    static final class ErasureFailure extends RuntimeException {
        ErasureFailure(SQLException cause) {
            super("erasure failed: " + cause.getSQLState(), cause, false, false);
        }
    }
}
