package uz.himoya.webhook;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import javax.net.ssl.SSLContext;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.privacymap.WebhookSpec;

/**
 * What a map's webhook needs besides the map: its secret, and, in the local run and the tests only, the
 * address it really listens on. Also makes the client and the backoff the workflows share.
 *
 * <pre>{@code
 * Optional<String> secret = settings.secret(spec);        // himoya.webhook."demo-crm".secret
 * WebhookSpec target = settings.target(spec);             // the map's URL, or the local run's
 * Reply r = client.send(target, secret.get(), job, clock.instant());
 * }</pre>
 *
 * Started with the function: an address override outside the local run stops the start, since a config
 * value must never send subjects' identifiers somewhere else than the reviewed map says.
 */
@Startup
@ApplicationScoped
public class WebhookSettings {
    /** The longest wait between two attempts at a system: SQS' longest message delay. */
    public static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(15);

    private final HimoyaConfig config;

    public WebhookSettings(HimoyaConfig config) {
        this.config = config;
        if (!config.webhookLocalRun()) {
            config.webhook().forEach((name, w) -> {
                if (w.url().isPresent()) {
                    throw new IllegalStateException("himoya.webhook.\"" + name + "\".url is set, but only the local"
                            + " run and the tests (himoya.webhook-local-run=true) may point a system elsewhere than"
                            + " its map");
                }
            });
        }
    }

    /** The system's signing key, if it is configured (never logged, never in an exception). */
    public Optional<String> secret(WebhookSpec spec) {
        return Optional.ofNullable(config.webhook().get(spec.secret())).flatMap(HimoyaConfig.Webhook::secret)
                .filter(s -> !s.isBlank());
    }

    /** The spec to send to: the map's URL, or where the local run's system listens. */
    public WebhookSpec target(WebhookSpec spec) {
        return Optional.ofNullable(config.webhook().get(spec.secret())).flatMap(HimoyaConfig.Webhook::url)
                .filter(u -> config.webhookLocalRun()).map(spec::withUrl).orElse(spec);
    }

    /** AWS: https only, the JDK's trust store and DNS. Local run and tests: http and loopback too. */
    @Produces
    @Singleton
    WebhookClient client() {
        if (!config.webhookLocalRun()) {
            return WebhookClient.standard();
        }
        try {
            return new WebhookClient(SSLContext.getDefault(), true, WebhookClient.Resolver.SYSTEM,
                    WebhookClient.DEFAULT_MAX_REPLY_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
    }

    /**
     * himoya.webhook-retry-base doubling, capped at 15 minutes: a retry waits as one delayed queue message, and
     * SQS delays a message by at most 900 s (uz.himoya.deletion.SystemSteps). The jitter only spreads the
     * retries of requests that met the same outage; it needs no secure source.
     */
    @Produces
    @Singleton
    Backoff backoff() {
        if (config.webhookRetryBase().compareTo(MAX_RETRY_DELAY) > 0) {
            throw new IllegalStateException("himoya.webhook-retry-base must be at most PT15M");
        }
        return new Backoff(config.webhookRetryBase(), MAX_RETRY_DELAY, new SplittableRandom());
    }
}
