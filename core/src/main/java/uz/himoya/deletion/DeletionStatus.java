package uz.himoya.deletion;

/** The life of a deletion request. Only AWAITING_VERIFICATION and QUEUED may still be cancelled. */
public enum DeletionStatus {
    AWAITING_VERIFICATION, QUEUED, IN_PROGRESS, COMPLETED, CANCELLED, EXPIRED, FAILED;

    public boolean open() {
        return this == AWAITING_VERIFICATION || this == QUEUED || this == IN_PROGRESS;
    }

    public boolean cancellable() {
        return this == AWAITING_VERIFICATION || this == QUEUED;
    }
}
