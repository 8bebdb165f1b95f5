package uz.himoya.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void shouldDoubleFrom30SecondsUpToOneHour_whenAttemptsGrow() {
        Backoff backoff = Backoff.standard(new Random(1));

        assertThat(List.of(1, 2, 3, 4, 7, 8, 9, 1000).stream().map(backoff::nominal).toList()).containsExactly(
                Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(4),
                Duration.ofMinutes(32), Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1));
    }

    @Test
    void shouldStayBetweenFourFifthsAndAllOfNominal_whenJittered() {
        Backoff backoff = Backoff.standard(new Random(7));
        for (int attempt = 1; attempt <= 40; attempt++) {
            for (int i = 0; i < 50; i++) {
                Duration d = backoff.delay(attempt);
                Duration nominal = backoff.nominal(attempt);
                assertThat(d).isLessThanOrEqualTo(nominal).isGreaterThanOrEqualTo(nominal.multipliedBy(4).dividedBy(5));
                assertThat(d).isLessThanOrEqualTo(Backoff.MAX);
            }
        }
    }

    @Test
    void shouldRepeatTheSameDelays_whenSeededAlike() {
        assertThat(delays(new Backoff(Duration.ofSeconds(30), Duration.ofHours(1), new Random(42))))
                .isEqualTo(delays(new Backoff(Duration.ofSeconds(30), Duration.ofHours(1), new Random(42))));
    }

    @Test
    void shouldSpreadDelays_whenManyRequestsRetryAtOnce() {
        Backoff backoff = Backoff.standard(new Random(3));

        assertThat(delays(backoff, 3, 20).stream().distinct().count()).isGreaterThan(10);
    }

    @Test
    void shouldRefuseAttemptZeroAndBadBounds() {
        assertThatThrownBy(() -> Backoff.standard(new Random()).delay(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofHours(1), new Random()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofMinutes(2), Duration.ofMinutes(1), new Random()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Duration> delays(Backoff b) {
        List<Duration> out = new ArrayList<>();
        for (int attempt = 1; attempt <= 10; attempt++) {
            out.add(b.delay(attempt));
        }
        return out;
    }

    private static List<Duration> delays(Backoff b, int attempt, int times) {
        List<Duration> out = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            out.add(b.delay(attempt));
        }
        return out;
    }
}
