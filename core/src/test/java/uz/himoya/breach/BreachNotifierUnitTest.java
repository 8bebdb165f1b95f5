package uz.himoya.breach;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The notifier's pure parts: message format and the rate limiter. SMTP replies are classified by
 * uz.himoya.notice.MailFailure (MailFailureTest, against a scripted SMTP server).
 */
class BreachNotifierUnitTest {

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
