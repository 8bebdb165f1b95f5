package uz.himoya.deletion;

import java.time.Instant;
import java.util.UUID;

/**
 * A deletion request as Himoya stores it (table deletion_request). No plaintext personal data: see
 * V1__deletion.sql. A plain value: {@link DeletionRequests} reads and writes it, and a change is stored only
 * by an explicit {@link DeletionRequests#update}.
 */
public class DeletionRequest {

    /** Which mail the request still owes its subject. */
    public enum MailPending {
        VERIFICATION, CONFIRMATION,
        /** The app's privacy contact is still to be told that the subject said "this wasn't me". */
        NOT_ME
    }

    public UUID id;
    public String appId;
    public byte[] subjectIdHash;
    public byte[] subjectEmailHash;
    public byte[] subjectRef;
    public byte[] notifyAddress;
    /** The subject's key in the app's store, sealed, while the erasure runs (V6__app_stores.sql). */
    public byte[] subjectKey;
    public String locale;
    public DeletionStatus status;
    public boolean attested;
    public Instant receivedAt;
    public Instant dueAt;
    public Instant verifiedAt;
    public Instant startedAt;
    public Instant completedAt;
    public Instant cancelledAt;
    public Instant expiredAt;
    public Instant failedAt;
    public byte[] tokenHash;
    public Instant tokenExpiresAt;
    public MailPending mailPending;
    public Instant leaseUntil;
    public Instant enqueuedAt;
    public int attempts;
    public String lastError;
    /** The receipt as JSON (jsonb). */
    public String receipt;
    /** The optimistic version: every update checks and bumps it (DeletionRequests.update). */
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
