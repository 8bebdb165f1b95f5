package uz.himoya.lambda;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import uz.himoya.snapstart.Primer;

/** Primers for the priming tests only: one that fails on demand, one that counts its runs. */
final class TestPrimers {
    static final AtomicBoolean FAIL = new AtomicBoolean();
    static final AtomicInteger RUNS = new AtomicInteger();

    private TestPrimers() {
    }

    @ApplicationScoped
    static class Failing implements Primer {
        @Override
        public String name() {
            return "test-failing";
        }

        @Override
        public void prime() {
            if (FAIL.get()) {
                throw new IllegalStateException("a primer failed on purpose");
            }
        }
    }

    @ApplicationScoped
    static class Counting implements Primer {
        @Override
        public String name() {
            return "test-counting";
        }

        @Override
        public void prime() {
            RUNS.incrementAndGet();
        }
    }
}
