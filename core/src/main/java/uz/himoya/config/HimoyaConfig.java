package uz.himoya.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** All of Himoya's own settings, in one typed place. Environment variables map as HIMOYA_… . */
@ConfigMapping(prefix = "himoya")
public interface HimoyaConfig {

    /** App ids whose privacy maps are loaded from the classpath resource privacy-maps/&lt;id&gt;.yaml. */
    @WithDefault("demo")
    List<String> apps();

    /** Base URL the verification links point to (the HTTP API's public address). */
    @WithDefault("http://localhost:8080")
    String publicBaseUrl();

    Crypto crypto();

    Intake intake();

    Worker worker();

    Queue queue();

    /**
     * The ops key for the ops routes (/v1/ops, /v1/breaches, /v1/holds, /v1/retention), compared by hash. In
     * AWS those routes are also IAM-protected at API Gateway; locally and in tests this key is the guard.
     * Unset: ops routes answer 401 to everyone.
     */
    Optional<String> opsKey();

    /**
     * App API keys to make sure exist at start-up: app id to plaintext key. Only the SHA-256 of a key is
     * stored. In AWS the values come from Secrets Manager; locally from application.properties.
     */
    Map<String, String> bootstrapKeys();

    interface Crypto {
        /**
         * Base64 of at least 32 random bytes. Keys the hashes of subject identities and encrypts the few
         * identifiers a request still needs. Losing it makes open requests unreadable, never leaks them.
         */
        String secret();
    }

    interface Intake {
        /** How long a verification link stays valid before the request becomes EXPIRED. */
        @WithDefault("P7D")
        Duration tokenTtl();

        /** Intake calls allowed for one subject of one app per window before 429. */
        @WithDefault("10")
        int maxPerSubject();

        @WithDefault("PT1H")
        Duration rateWindow();

        /** Idempotency-Key answers are replayed for this long. */
        @WithDefault("P1D")
        Duration idempotencyTtl();
    }

    interface Worker {
        /** A claimed job is someone else's until its lease ends; a crashed worker's job is retaken then. */
        @WithDefault("PT5M")
        Duration lease();

        /** Attempts before a request becomes FAILED (it is then left for a human, with its error code). */
        @WithDefault("5")
        int maxAttempts();
    }

    interface Queue {
        /** sqs: AWS SQS (or a compatible server at endpoint); in-process: a local executor, for the local run. */
        @WithDefault("sqs")
        String kind();

        Optional<String> erasureUrl();

        /** The breach notices queue, fed by POST /v1/breaches and drained by the breachNotifier function. */
        Optional<String> breachUrl();

        /** Overrides the SQS endpoint, e.g. a local ElasticMQ. */
        Optional<String> endpoint();

        @WithDefault("eu-central-1")
        String region();
    }
}
