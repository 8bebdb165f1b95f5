package uz.himoya.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The local run's continuation queue: the continuation runs apart from the sweep that handed it on. */
class InProcessRetentionQueueTest {

    @Test
    void shouldResumeOnAnotherThread_whenAContinuationIsSent() throws Exception {
        BlockingQueue<String> seen = new ArrayBlockingQueue<>(1);
        InProcessRetentionQueue queue = new InProcessRetentionQueue(
                k -> seen.add(k.runId() + " on " + Thread.currentThread().getName()));
        UUID run = UUID.randomUUID();

        queue.send(new Continuation(run, Optional.empty()));

        assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo(run + " on himoya-retention-continuations");
        queue.shutdown();
    }

    @Test
    void shouldKeepServing_whenAContinuationFails() throws Exception {
        // A failed continuation is left to the next scheduled sweep (the run keeps its cursor); the next one runs.
        BlockingQueue<UUID> seen = new ArrayBlockingQueue<>(2);
        UUID bad = UUID.randomUUID();
        InProcessRetentionQueue queue = new InProcessRetentionQueue(k -> {
            if (k.runId().equals(bad)) {
                throw new IllegalStateException("the app's store is down");
            }
            seen.add(k.runId());
        });
        UUID good = UUID.randomUUID();

        assertThatCode(() -> queue.send(new Continuation(bad, Optional.empty()))).doesNotThrowAnyException();
        queue.send(new Continuation(good, Optional.empty()));

        assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo(good);
        queue.shutdown();
    }
}
