package uz.himoya.breach;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The notifier's pure parts: SMTP reply classification, message format, and the rate limiter. */
class BreachNotifierUnitTest {

    @Test
    void shouldTreatOnly5xxRepliesAsPermanent_whenSendingFails() {
        assertThat(BreachNotifier.permanent(new RuntimeException("recipient address not accepted: 550 5.1.1 no")))
                .isTrue();
        assertThat(BreachNotifier.permanent(new RuntimeException("553 mailbox name not allowed"))).isTrue();
        assertThat(BreachNotifier.permanent(new RuntimeException("Connection refused: localhost/127.0.0.1:587")))
                .isFalse();
        assertThat(BreachNotifier.permanent(new RuntimeException("421 4.7.0 try again later"))).isFalse();
        assertThat(BreachNotifier.permanent(new RuntimeException("wrapped", new RuntimeException("554 5.7.1 spam"))))
                .isTrue();
    }

    @Test
    void shouldRoundTripAndRefuseGarbage_whenParsingMessages() {
        UUID id = UUID.randomUUID();
        assertThat(BreachMessage.parse(BreachMessage.body(id, 1, 200, 2)))
                .contains(new BreachMessage(id, 1, 200, 2));
        assertThat(BreachMessage.parse("not json")).isEmpty();
        assertThat(BreachMessage.parse("{\"incidentId\":\"" + id + "\",\"fromSeq\":5,\"toSeq\":4}")).isEmpty();
        assertThat(BreachMessage.parse("{\"incidentId\":\"nope\",\"fromSeq\":1,\"toSeq\":4}")).isEqualTo(Optional.empty());
    }

    @Test
    void shouldWaitForTokens_whenSendingFasterThanTheRate() {
        // Arrange: a fake clock that the limiter's sleep advances
        AtomicLong now = new AtomicLong();
        AtomicLong slept = new AtomicLong();
        RateLimiter limiter = new RateLimiter(10, now::get, n -> {
            slept.addAndGet(n);
            now.addAndGet(n);
        });

        // Act: 30 sends at 10 per second, starting with a full bucket of 10
        for (int i = 0; i < 30; i++) {
            limiter.acquire();
        }

        // Assert: the last 20 waited two seconds in all
        assertThat(slept.get() / 1_000_000).isBetween(1990L, 2010L);
    }
}
