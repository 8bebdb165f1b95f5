package uz.himoya.crypto;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import uz.himoya.config.HimoyaConfig;

/** Time and randomness are injected, so deadlines and tokens are testable without sleeping. */
@ApplicationScoped
public class CryptoProducer {

    @Produces
    @Singleton
    Secrets secrets(HimoyaConfig config) {
        return new Secrets(config.crypto().secret(), new SecureRandom());
    }

    /**
     * Whole milliseconds: what an answer shows right away (a 202's receivedAt) is then exactly what the
     * database keeps (microseconds) and every later answer shows.
     */
    @Produces
    @Singleton
    Clock clock() {
        return Clock.tick(Clock.systemUTC(), Duration.ofMillis(1));
    }
}
