package uz.himoya.deletion;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A deletion request as Himoya stores it. No plaintext personal data: see V1__deletion.sql. */
@Entity
@Table(name = "deletion_request")
public class DeletionRequest extends PanacheEntityBase {

    /** Which mail the request still owes its subject. */
    public enum MailPending {
        VERIFICATION, CONFIRMATION,
        /** The app's privacy contact is still to be told that the subject said "this wasn't me". */
        NOT_ME
    }

    @Id
    public UUID id;
    @Column(name = "app_id")
    public String appId;
    @Column(name = "subject_id_hash")
    public byte[] subjectIdHash;
    @Column(name = "subject_email_hash")
    public byte[] subjectEmailHash;
    @Column(name = "subject_ref")
    public byte[] subjectRef;
    @Column(name = "notify_address")
    public byte[] notifyAddress;
    /** The subject's key in the app's store, sealed, while the erasure runs (V6__app_stores.sql). */
    @Column(name = "subject_key")
    public byte[] subjectKey;
    public String locale;
    @Enumerated(EnumType.STRING)
    public DeletionStatus status;
    public boolean attested;
    @Column(name = "received_at")
    public Instant receivedAt;
    @Column(name = "due_at")
    public Instant dueAt;
    @Column(name = "verified_at")
    public Instant verifiedAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "completed_at")
    public Instant completedAt;
    @Column(name = "cancelled_at")
    public Instant cancelledAt;
    @Column(name = "expired_at")
    public Instant expiredAt;
    @Column(name = "failed_at")
    public Instant failedAt;
    @Column(name = "token_hash")
    public byte[] tokenHash;
    @Column(name = "token_expires_at")
    public Instant tokenExpiresAt;
    @Enumerated(EnumType.STRING)
    @Column(name = "mail_pending")
    public MailPending mailPending;
    @Column(name = "lease_until")
    public Instant leaseUntil;
    @Column(name = "enqueued_at")
    public Instant enqueuedAt;
    public int attempts;
    @Column(name = "last_error")
    public String lastError;
    @JdbcTypeCode(SqlTypes.JSON)
    public String receipt;
    @Version
    public long version;

    /**
     * Drops every identifier of the subject: the request has no further use for them. The link's hash is
     * not one (a SHA-256 of a random token) and stays, so the link can still show what became of the
     * request (confirmed, cancelled, expired); the sweep's himoya:expired-tokens rule drops it once the
     * link lapsed longer ago than himoya.intake.link-memory.
     */
    public void purgeSubject() {
        subjectRef = null;
        subjectKey = null;
        notifyAddress = null;
        mailPending = null;
    }
}
