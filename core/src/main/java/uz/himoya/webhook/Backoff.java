package uz.himoya.webhook;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long to wait before trying a system again after a {@link Reply.Retry}: 30 s, 1 min, 2 min, 4 min...
 * doubling up to 1 h, each shortened by a random part of up to a fifth. The jitter only ever shortens, so
 * the cap holds, and requests that met the same outage do not all come back in the same second.
 *
 * <pre>{@code
 * Backoff backoff = Backoff.standard(random);               // random injected: a seeded Random in tests
 * Instant next = now.plus(backoff.delay(attempt));          // attempt 1 = the first failed attempt
 * }</pre>
 */
public final class Backoff {
    public static final Duration BASE = Duration.ofSeconds(30);
    public static final Duration MAX = Duration.ofHours(1);
    private static final double JITTER = 0.2;

    private final long baseMillis;
    private final long maxMillis;
    private final RandomGenerator random;

    public Backoff(Duration base, Duration max, RandomGenerator random) {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < base <= max");
        }
        this.baseMillis = base.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
    }

    public static Backoff standard(RandomGenerator random) {
        return new Backoff(BASE, MAX, random);
    }

    /** The undisturbed delay after failed attempt n (1, 2, ...): base times 2^(n-1), at most max. */
    public Duration nominal(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1");
        }
        long d = baseMillis;
        for (int i = 1; i < attempt && d < maxMillis; i++) {
            d *= 2; // stops once past max, so it cannot overflow
        }
        return Duration.ofMillis(Math.min(d, maxMillis));
    }

    /** The delay after failed attempt n: between four fifths of {@link #nominal(int)} and all of it. */
    public Duration delay(int attempt) {
        long nominal = nominal(attempt).toMillis();
        long cut = (long) (nominal * JITTER);
        return Duration.ofMillis(nominal - random.nextLong(cut + 1));
    }
}
