package uz.himoya.queue;

import java.time.Duration;
import java.util.UUID;

/**
 * Where a request's next step is handed to the worker. Messages carry only the request id: the database
 * is the source of truth, so a lost or repeated message delays work but never changes its result.
 */
public interface JobQueue {
    /** SQS holds a message back at most this long (DelaySeconds); a longer wait is a chain of such hops. */
    Duration MAX_DELAY = Duration.ofMinutes(15);

    void enqueue(UUID requestId);

    /**
     * The same, delivered no sooner than delay from now, and no later than {@link #MAX_DELAY}: a caller that
     * must wait longer is woken early and enqueues itself again (the database says what is due).
     */
    void enqueueLater(UUID requestId, Duration delay);

    /** delay cut to 0 .. {@link #MAX_DELAY}, in whole seconds (SQS' unit), rounded up. */
    static int delaySeconds(Duration delay) {
        if (delay.isNegative() || delay.isZero()) {
            return 0;
        }
        long s = delay.plusNanos(999_999_999).toSeconds();
        return (int) Math.min(s, MAX_DELAY.toSeconds());
    }
}
