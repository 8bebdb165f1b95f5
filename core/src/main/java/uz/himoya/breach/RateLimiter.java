package uz.himoya.breach;

import java.util.function.LongSupplier;

/**
 * A token bucket: at most ratePerSecond sends, with bursts of one second's worth. Time and sleep are
 * injected so tests need not wait.
 */
final class RateLimiter {
    interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final double ratePerSecond;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private double tokens;
    private long last;

    RateLimiter(double ratePerSecond, LongSupplier nanoTime, Sleeper sleeper) {
        this.ratePerSecond = ratePerSecond;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.tokens = Math.max(1, ratePerSecond);
        this.last = nanoTime.getAsLong();
    }

    static RateLimiter realTime(double ratePerSecond) {
        return new RateLimiter(ratePerSecond, System::nanoTime, n -> Thread.sleep(n / 1_000_000, (int) (n % 1_000_000)));
    }

    /** Takes one token, waiting for it if the bucket is empty. */
    synchronized void acquire() {
        refill();
        if (tokens < 1) {
            long waitNanos = (long) ((1 - tokens) / ratePerSecond * 1e9);
            try {
                sleeper.sleepNanos(waitNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while rate limited");
            }
            refill();
        }
        tokens -= 1;
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(Math.max(1, ratePerSecond), tokens + (now - last) / 1e9 * ratePerSecond);
        last = now;
    }
}
