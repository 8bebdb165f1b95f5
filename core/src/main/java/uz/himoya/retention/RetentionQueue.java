package uz.himoya.retention;

/**
 * Where a sweep short of time hands the rest of its run: the retention queue, which the retentionSweep
 * function also consumes. Throws if the message cannot be sent; the caller then leaves the run to the next
 * scheduled sweep, which resumes it from its cursor.
 */
public interface RetentionQueue {
    void send(Continuation continuation);
}
