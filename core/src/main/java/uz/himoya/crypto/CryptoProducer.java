package uz.himoya.crypto;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import uz.himoya.config.HimoyaConfig;

/** Time and randomness are injected, so deadlines and tokens are testable without sleeping. */
@ApplicationScoped
public class CryptoProducer {

    @Produces
    @Singleton
    Secrets secrets(HimoyaConfig config) {
        return new Secrets(config.crypto().secret(), new SecureRandom());
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
