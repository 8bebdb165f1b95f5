package uz.himoya.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The time one invocation may still spend. A batch is started only while more than the safety margin is
 * left, except the first batch of an invocation, which always runs: even a tiny budget makes progress, so
 * a chain of continuations always ends.
 *
 * <pre>{@code
 * Budget b = new Budget(() -> Duration.ofMillis(lambdaContext.getRemainingTimeInMillis()), Duration.ofSeconds(30));
 * }</pre>
 */
public final class Budget {
    private final Supplier<Duration> remaining;
    private final Duration margin;
    private int batches;

    public Budget(Supplier<Duration> remaining, Duration margin) {
        this.remaining = remaining;
        this.margin = margin;
    }

    /** The time left until a fixed time from now on the given clock. */
    public static Supplier<Duration> countdown(Clock clock, Duration budget) {
        Instant end = clock.instant().plus(budget);
        return () -> Duration.between(clock.instant(), end);
    }

    /**
     * The time given, shortened to cap if one is asked for. The margin never takes more than a quarter of
     * the budget, so a short budget (an HTTP call's) still works.
     */
    static Budget capped(Clock clock, Supplier<Duration> remaining, Optional<Duration> cap, Duration margin) {
        Supplier<Duration> effective = remaining;
        if (cap.isPresent()) {
            Supplier<Duration> own = countdown(clock, cap.get());
            effective = () -> {
                Duration a = own.get();
                Duration b = remaining.get();
                return a.compareTo(b) < 0 ? a : b;
            };
        }
        Duration quarter = effective.get().dividedBy(4);
        return new Budget(effective, quarter.compareTo(margin) < 0 ? quarter : margin);
    }

    boolean allowsBatch() {
        return batches == 0 || remaining.get().compareTo(margin) > 0;
    }

    /** The time left, the margin included (negative once it has run out). */
    Duration left() {
        return remaining.get();
    }

    void spent() {
        batches++;
    }

    /** Batches run under this budget so far. */
    public int batches() {
        return batches;
    }
}
