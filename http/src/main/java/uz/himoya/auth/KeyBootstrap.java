package uz.himoya.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Only the HTTP function checks app keys, so only it registers the configured ones at start-up. */
@ApplicationScoped
public class KeyBootstrap {
    void onStart(@Observes StartupEvent ignored, ApiKeys keys) {
        keys.bootstrap();
    }
}
