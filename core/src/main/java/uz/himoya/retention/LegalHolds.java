package uz.himoya.retention;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;
import uz.himoya.crypto.Secrets;
import uz.himoya.db.Jdbc;
import uz.himoya.deletion.DeletionService;
import uz.himoya.holds.HoldStore;
import uz.himoya.problem.Problem;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.port.SubjectFinder;

/**
 * Legal holds: ops suspend the erasure and the retention of one subject's data while a legal duty to
 * preserve it applies (a court or authority request, litigation), and lift the hold when it ends. While a
 * subject is held, sweeps leave their rows (counted as skipped in the run record) and a deletion request
 * waits in QUEUED with a receipt that says it is held and why; lifting the hold drives the waiting requests
 * again. The deadline watchdog keeps reporting them, so a hold never silently outlives its reason.
 */
@ApplicationScoped
public class LegalHolds {
    private static final Logger LOG = Logger.getLogger(LegalHolds.class);

    private final AppRegistry apps;
    private final Jdbc jdbc;
    private final Secrets secrets;
    private final Clock clock;
    private final DeletionService deletions;
    private final uz.himoya.store.StoreConnections stores;

    public LegalHolds(AppRegistry apps, Jdbc jdbc, Secrets secrets, Clock clock,
            DeletionService deletions, uz.himoya.store.StoreConnections stores) {
        this.stores = stores;
        this.apps = apps;
        this.jdbc = jdbc;
        this.secrets = secrets;
        this.clock = clock;
        this.deletions = deletions;
    }

    public HoldView place(String appId, HoldCommand cmd) {
        SubjectFinder finder = app(appId).subjects();
        List<Problem.FieldError> errors = new ArrayList<>();
        if (cmd.subjectId().isEmpty() && cmd.subjectEmail().isEmpty()) {
            errors.add(new Problem.FieldError("subject", "give subject.id or subject.email"));
        }
        if (cmd.reason() == null || cmd.reason().isBlank() || cmd.reason().length() > 500) {
            errors.add(new Problem.FieldError("reason", "must be 1 to 500 characters (a matter, not personal data)"));
        }
        if (!errors.isEmpty()) {
            throw Problem.validation(errors);
        }
        // A hold on nobody would protect nothing: a mistyped id must be an error, not a silent no-op. The
        // subject is looked up in the app's store, before Himoya's transaction.
        String key;
        try (Connection s = stores.open(app(appId).map().subjectStore())) {
            key = finder.find(s, cmd.subjectId().map(String::trim),
                    cmd.subjectEmail().map(e -> e.trim().toLowerCase(Locale.ROOT))).map(SubjectFinder.Subject::key)
                    .orElseThrow(() -> Problem.validation(List.of(new Problem.FieldError("subject",
                            "no subject of app " + appId + " matches"))));
        } catch (SQLException e) {
            throw new IllegalStateException("store error " + e.getSQLState(), e);
        }
        return jdbc.inNewTransaction(c -> {
            HoldStore.lockExclusive(c, appId);
            UUID id = UUID.randomUUID();
            Instant now = clock.instant();
            Jdbc.update(c, "INSERT INTO legal_hold (id, app_id, subject_key_hash, subject_key, reason, placed_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", ps -> {
                        ps.setObject(1, id);
                        ps.setString(2, appId);
                        ps.setBytes(3, secrets.keyedHash(appId, "id", key));
                        ps.setBytes(4, secrets.encrypt(key));
                        ps.setString(5, cmd.reason().trim());
                        ps.setTimestamp(6, Timestamp.from(now));
                    });
            LOG.infof("hold=%s placed app=%s", id, appId);
            return new HoldView(id, appId, true, Map.of("id", key), cmd.reason().trim(), now, null, null);
        });
    }

    public HoldView lift(String appId, UUID holdId, Optional<String> reason) {
        app(appId);
        List<UUID> waiting = new ArrayList<>();
        HoldView lifted = jdbc.inNewTransaction(c -> {
            HoldStore.lockExclusive(c, appId);
            Instant now = clock.instant();
            int changed = Jdbc.update(c, "UPDATE legal_hold SET lifted_at = ?, lift_reason = ?, subject_key = NULL"
                    + " WHERE id = ? AND app_id = ? AND lifted_at IS NULL", ps -> {
                        ps.setTimestamp(1, Timestamp.from(now));
                        ps.setString(2, reason.map(String::trim).orElse(null));
                        ps.setObject(3, holdId);
                        ps.setString(4, appId);
                    });
            if (changed == 0) {
                throw find(c, appId, holdId).isPresent()
                        ? Problem.conflict("The hold was lifted already.")
                        : Problem.notFound("The hold");
            }
            // Requests that waited for a hold go again; one still held by another hold just waits again.
            waiting.addAll(Jdbc.list(c, "UPDATE deletion_request SET last_error = NULL, enqueued_at = NULL,"
                    + " version = version + 1 WHERE app_id = ? AND last_error = ?"
                    + " AND status IN ('QUEUED', 'IN_PROGRESS') RETURNING id", ps -> {
                        ps.setString(1, appId);
                        ps.setString(2, HoldStore.HELD);
                    }, rs -> rs.getObject(1, UUID.class)));
            LOG.infof("hold=%s lifted app=%s requests-redriven=%d", holdId, appId, waiting.size());
            return find(c, appId, holdId).orElseThrow();
        });
        waiting.forEach(deletions::enqueueIfNotYet);
        return lifted;
    }

    public List<HoldView> list(String appId, boolean includeLifted) {
        app(appId);
        return jdbc.inNewTransaction(c -> HoldQueries.list(c, secrets, appId, includeLifted));
    }

    private Optional<HoldView> find(Connection c, String appId, UUID id) throws SQLException {
        return HoldQueries.one(c, secrets, appId, id);
    }

    private uz.himoya.store.AppRegistry.CompiledApp app(String appId) {
        if (!apps.serves(appId)) {
            throw Problem.notFound("The app");
        }
        return apps.require(appId);
    }
}
