package uz.himoya.deletion;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import uz.himoya.db.Jdbc;

/**
 * The table deletion_request, through {@link Jdbc} like Himoya's other tables: every statement the deletion
 * workflow runs on it is here, spelled out. Each method runs on the caller's transaction (Agroal enlists the
 * connection in JTA), so a read for update holds its row lock until that transaction ends.
 *
 * <p>Nothing is written behind the caller's back: a changed {@link DeletionRequest} is stored only by
 * {@link #update}, which writes every column and checks the optimistic version (the row's version must still
 * be the one read, and is bumped). The workflow changes a request only under {@link #findForUpdate}'s lock,
 * so the check is a second line: it catches a writer that skipped the lock (the sweep's and the hold lift's
 * bulk statements bump the version too, see OwnRules and LegalHolds). A refused update throws
 * {@link ConcurrentChange}, which rolls the caller's transaction back; nothing catches it, the work is
 * retried as after any other failure (the queue redelivers, an HTTP caller sees a 500 and may repeat).
 *
 * <p>The static forms take a connection the caller holds, for tests and for work of several statements.
 */
@ApplicationScoped
public class DeletionRequests {

    static final String COLUMNS = "id, app_id, subject_id_hash, subject_email_hash, subject_ref, notify_address,"
            + " subject_key, locale, status, attested, received_at, due_at, verified_at, started_at, completed_at,"
            + " cancelled_at, expired_at, failed_at, token_hash, token_expires_at, mail_pending, lease_until,"
            + " enqueued_at, attempts, last_error, receipt, version";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM deletion_request";
    /**
     * PostgreSQL's weaker row lock: it excludes other updaters and lockers, but not an insert of a row that
     * references this one (deletion_step's foreign key takes FOR KEY SHARE), which FOR UPDATE would block.
     * The id never changes, so nothing is lost. The same lock Hibernate took for PESSIMISTIC_WRITE.
     */
    private static final String LOCK = " FOR NO KEY UPDATE";
    private static final List<String> OPEN = List.of(DeletionStatus.AWAITING_VERIFICATION.name(),
            DeletionStatus.QUEUED.name(), DeletionStatus.IN_PROGRESS.name());

    /** The row changed since it was read (its version moved on): the caller's transaction must roll back. */
    public static final class ConcurrentChange extends IllegalStateException {
        ConcurrentChange() {
            super("deletion request changed concurrently (stale version)");
        }
    }

    /** Which subject hash an open request is looked up by. */
    public enum SubjectHash {
        ID("subject_id_hash"), EMAIL("subject_email_hash");

        private final String column;

        SubjectHash(String column) {
            this.column = column;
        }
    }

    private final Jdbc jdbc;

    public DeletionRequests(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The request as committed (or as this transaction changed it), without a lock. */
    public Optional<DeletionRequest> find(UUID id) {
        return jdbc.call(c -> find(c, id, false));
    }

    /** The request, its row locked (FOR NO KEY UPDATE) until the caller's transaction ends. */
    public Optional<DeletionRequest> findForUpdate(UUID id) {
        return jdbc.call(c -> find(c, id, true));
    }

    /** {@link #findForUpdate}, for a request that must exist (a job's request is never deleted while open). */
    public DeletionRequest lock(UUID id) {
        return findForUpdate(id).orElseThrow(() -> new IllegalStateException("deletion request not found"));
    }

    /** The request a verification link's token hash belongs to, locked. */
    public Optional<DeletionRequest> findByTokenForUpdate(byte[] tokenHash) {
        return jdbc.call(c -> one(Jdbc.list(c, SELECT + " WHERE token_hash = ?" + LOCK,
                ps -> ps.setBytes(1, tokenHash), DeletionRequests::read)));
    }

    /** One open request (awaiting verification, queued, in progress) of the app for this subject hash. */
    public Optional<DeletionRequest> findOpen(String appId, SubjectHash by, byte[] hash) {
        return jdbc.call(c -> one(Jdbc.list(c, SELECT + " WHERE app_id = ? AND " + by.column
                + " = ? AND status IN (?, ?, ?) LIMIT 1", ps -> {
                    ps.setString(1, appId);
                    ps.setBytes(2, hash);
                    for (int i = 0; i < OPEN.size(); i++) {
                        ps.setString(3 + i, OPEN.get(i));
                    }
                }, DeletionRequests::read)));
    }

    /** Stores a new request at version 0. */
    public void insert(DeletionRequest r) {
        jdbc.call(c -> {
            insert(c, r);
            return null;
        });
    }

    /**
     * Stores every column of a changed request if its row still has the version read, and bumps it.
     *
     * @throws ConcurrentChange when the row's version moved on (or the row is gone)
     */
    public void update(DeletionRequest r) {
        jdbc.call(c -> {
            update(c, r);
            return null;
        });
    }

    /**
     * Notes that the request's job went to the queue. A bookkeeping column only, written without the version
     * check and without bumping it: it must not make a concurrent worker's update fail.
     */
    public void markEnqueued(UUID id, Instant at) {
        jdbc.call(c -> Jdbc.update(c, "UPDATE deletion_request SET enqueued_at = ? WHERE id = ?", ps -> {
            ps.setObject(1, at(at));
            ps.setObject(2, id);
        }));
    }

    public static Optional<DeletionRequest> find(Connection c, UUID id, boolean lock) throws SQLException {
        return one(Jdbc.list(c, SELECT + " WHERE id = ?" + (lock ? LOCK : ""), ps -> ps.setObject(1, id),
                DeletionRequests::read));
    }

    public static void insert(Connection c, DeletionRequest r) throws SQLException {
        r.version = 0;
        Jdbc.update(c, "INSERT INTO deletion_request (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?)", ps -> {
                    ps.setObject(1, r.id);
                    bindState(ps, 2, r);
                    ps.setLong(27, r.version);
                });
    }

    public static void update(Connection c, DeletionRequest r) throws SQLException {
        int changed = Jdbc.update(c, "UPDATE deletion_request SET app_id = ?, subject_id_hash = ?,"
                + " subject_email_hash = ?, subject_ref = ?, notify_address = ?, subject_key = ?, locale = ?,"
                + " status = ?, attested = ?, received_at = ?, due_at = ?, verified_at = ?, started_at = ?,"
                + " completed_at = ?, cancelled_at = ?, expired_at = ?, failed_at = ?, token_hash = ?,"
                + " token_expires_at = ?, mail_pending = ?, lease_until = ?, enqueued_at = ?, attempts = ?,"
                + " last_error = ?, receipt = CAST(? AS jsonb), version = version + 1 WHERE id = ? AND version = ?",
                ps -> {
                    bindState(ps, 1, r);
                    ps.setObject(26, r.id);
                    ps.setLong(27, r.version);
                });
        if (changed != 1) {
            throw new ConcurrentChange();
        }
        r.version++;
    }

    /** Every column but id and version, in COLUMNS' order, from parameter index first on (25 parameters). */
    private static void bindState(PreparedStatement ps, int first, DeletionRequest r) throws SQLException {
        int i = first;
        ps.setString(i++, r.appId);
        ps.setBytes(i++, r.subjectIdHash);
        ps.setBytes(i++, r.subjectEmailHash);
        ps.setBytes(i++, r.subjectRef);
        ps.setBytes(i++, r.notifyAddress);
        ps.setBytes(i++, r.subjectKey);
        ps.setString(i++, r.locale);
        ps.setString(i++, r.status == null ? null : r.status.name());
        ps.setBoolean(i++, r.attested);
        for (Instant t : new Instant[] { r.receivedAt, r.dueAt, r.verifiedAt, r.startedAt, r.completedAt,
                r.cancelledAt, r.expiredAt, r.failedAt }) {
            ps.setObject(i++, at(t), Types.TIMESTAMP_WITH_TIMEZONE);
        }
        ps.setBytes(i++, r.tokenHash);
        ps.setObject(i++, at(r.tokenExpiresAt), Types.TIMESTAMP_WITH_TIMEZONE);
        ps.setString(i++, r.mailPending == null ? null : r.mailPending.name());
        ps.setObject(i++, at(r.leaseUntil), Types.TIMESTAMP_WITH_TIMEZONE);
        ps.setObject(i++, at(r.enqueuedAt), Types.TIMESTAMP_WITH_TIMEZONE);
        ps.setInt(i++, r.attempts);
        ps.setString(i++, r.lastError);
        ps.setString(i, r.receipt);
    }

    static DeletionRequest read(ResultSet rs) throws SQLException {
        DeletionRequest r = new DeletionRequest();
        r.id = rs.getObject("id", UUID.class);
        r.appId = rs.getString("app_id");
        r.subjectIdHash = rs.getBytes("subject_id_hash");
        r.subjectEmailHash = rs.getBytes("subject_email_hash");
        r.subjectRef = rs.getBytes("subject_ref");
        r.notifyAddress = rs.getBytes("notify_address");
        r.subjectKey = rs.getBytes("subject_key");
        r.locale = rs.getString("locale");
        r.status = DeletionStatus.valueOf(rs.getString("status"));
        r.attested = rs.getBoolean("attested");
        r.receivedAt = instant(rs, "received_at");
        r.dueAt = instant(rs, "due_at");
        r.verifiedAt = instant(rs, "verified_at");
        r.startedAt = instant(rs, "started_at");
        r.completedAt = instant(rs, "completed_at");
        r.cancelledAt = instant(rs, "cancelled_at");
        r.expiredAt = instant(rs, "expired_at");
        r.failedAt = instant(rs, "failed_at");
        r.tokenHash = rs.getBytes("token_hash");
        r.tokenExpiresAt = instant(rs, "token_expires_at");
        String mail = rs.getString("mail_pending");
        r.mailPending = mail == null ? null : DeletionRequest.MailPending.valueOf(mail);
        r.leaseUntil = instant(rs, "lease_until");
        r.enqueuedAt = instant(rs, "enqueued_at");
        r.attempts = rs.getInt("attempts");
        r.lastError = rs.getString("last_error");
        r.receipt = rs.getString("receipt");
        r.version = rs.getLong("version");
        return r;
    }

    private static Optional<DeletionRequest> one(List<DeletionRequest> rows) {
        return rows.stream().findFirst();
    }

    private static OffsetDateTime at(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
