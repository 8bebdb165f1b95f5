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

    /**
     * App ids whose privacy maps are loaded from the classpath resource privacy-maps/&lt;id&gt;.yaml (or from
     * {@link #mapDir()} where that holds the file).
     */
    @WithDefault("demo")
    List<String> apps();

    /**
     * A folder of privacy maps read before the bundled ones: &lt;dir&gt;/&lt;id&gt;.yaml, where it exists, is the
     * app's map. For the local run only, so that a newcomer's own map is served without rebuilding the
     * functions (README, "Serve your own app locally"). Unset in AWS: a deployed map is the reviewed file
     * bundled into the function, never one read from the function's disk.
     */
    Optional<String> mapDir();

    /** Base URL the verification links point to (the HTTP API's public address). */
    @WithDefault("http://localhost:8080")
    String publicBaseUrl();

    Crypto crypto();

    Intake intake();

    Worker worker();

    Queue queue();

    Retention retention();

    Watchdog watchdog();

    Breach breach();

    Mail mail();

    /**
     * SnapStart priming: before Lambda snapshots an initialized function, run the hot paths once without
     * changing any data (uz.himoya.snapstart.SnapStartPriming), so a restored instance does not load and
     * link them on its first event. Off: the snapshot holds only what start-up touched.
     */
    @WithDefault("true")
    boolean priming();

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

    /**
     * App stores' connection settings by connection name (the map's store.connection), e.g.
     * himoya.store."demo-shop".host; in AWS from the store's secret (uz.himoya.store.StoreConnections).
     */
    Map<String, Store> store();

    /**
     * The longest one piece of store work (a connection taken from a store's pool until it is given back: an
     * erasure's transaction, a sweep batch, a breach stream, an intake look-up) may take in this function.
     * Over it the connection is aborted, the store rolls the work back, and the caller sees SQL state 57014
     * (transient: the work is retried, its step keeps the code). It also caps every store's statement timeout.
     * Set per function from its Lambda timeout by the infra (HIMOYA_STORE_WORK_LIMIT, asserted there), so
     * store work ends with a recorded error before Lambda kills the function, which would record nothing.
     * Unset: no limit but the stores' statement timeouts (the local run, tests).
     */
    Optional<Duration> storeWorkLimit();

    /** Whether a store may be reached without TLS: the local run and the tests only, never in AWS. */
    @WithDefault("false")
    boolean storePlaintextAllowed();

    /**
     * Settings of the apps' webhook systems, by the secret name a map's webhook names (its {@code secret:}),
     * e.g. himoya.webhook."demo-crm".secret. In AWS they are keys of Himoya's own secret (HIMOYA_SECRETS_ARN),
     * never environment variables (the aws module's uz.himoya.aws.secrets.SecretsConfigSourceFactory).
     */
    Map<String, Webhook> webhook();

    /**
     * Whether webhooks may use http and reach loopback addresses: the local run and the tests only, never in
     * AWS (in Lambda, 127.0.0.1 serves the runtime API and the SnapStart credentials endpoint).
     */
    @WithDefault("false")
    boolean webhookLocalRun();

    /**
     * How long after a system answered 5xx, timed out or could not be reached it is tried again; doubling
     * up to an hour (uz.himoya.webhook.Backoff).
     */
    @WithDefault("PT30S")
    Duration webhookRetryBase();

    interface Webhook {
        /**
         * The HMAC-SHA256 key jobs and callbacks are signed with. Unset: the system's steps wait (error code
         * webhook-not-configured) and the watchdog digest shows them, like a store that is not configured.
         */
        Optional<String> secret();

        /**
         * Another address for the system than the map's: only where webhook-local-run is true (the local run's
         * demo system and the tests' targets listen on ports chosen at start). Refused anywhere else: the map's
         * URL is what was reviewed.
         */
        Optional<java.net.URI> url();
    }

    interface Store {
        String host();

        /** 0: the kind's default port (5432, 3306). */
        @WithDefault("0")
        int port();

        String database();

        String username();

        @WithDefault("")
        String password();

        /** verify-full, or disable where store-plaintext-allowed. */
        @WithDefault("verify-full")
        String tls();

        /** A PEM bundle to verify the server against (e.g. the RDS CA bundle). */
        Optional<String> caFile();

        @WithDefault("PT5S")
        Duration connectTimeout();

        @WithDefault("PT30S")
        Duration statementTimeout();
    }

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

        /**
         * How long after a link lapsed it still shows what became of its request (expired: 410, confirmed,
         * cancelled) instead of "not valid" (404). Only the link's hash is kept for it, which identifies
         * nobody; the sweep's himoya:expired-tokens rule drops it after this.
         */
        @WithDefault("P30D")
        Duration linkMemory();

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

    interface Breach {
        /** Notices per queue message: one notifier invocation sends at most this many. */
        @WithDefault("200")
        int batchSize();

        /**
         * Mails per second one notifier instance sends for an app, to protect the sender's reputation and the
         * provider's quota (SES: 14/s by default). The event source's maximum concurrency multiplies it.
         */
        @WithDefault("10")
        double ratePerSecond();

        /**
         * How long one notifier invocation sends before it hands the rest of its range on, as a new queue message
         * for the next invocation: the function's timeout less a margin for its start and its last commits. The
         * infra sets it from the function's timeout (HimoyaStack); a notice is never cut off halfway at a timeout.
         */
        @WithDefault("PT90S")
        Duration sendBudget();

        /**
         * An incident still sending that has sent no notice for this long (the SMTP account refused, throttled or
         * unreachable, the queue stuck) is reported to ops as breach-stalled, in the watchdog's digest and in
         * /v1/ops/deadlines: retried failures keep the notices, so nothing else would show that users are not
         * being told (issue 12, part 2).
         */
        @WithDefault("PT1H")
        Duration stallAlarm();

        /** A claimed notice is SENDING until its lease ends; a crashed notifier's notices are retaken then. */
        @WithDefault("PT5M")
        Duration lease();

        /** First delay before a batch that met an SMTP outage is tried again; it doubles, up to 15 minutes. */
        @WithDefault("PT30S")
        Duration retryBaseDelay();

        /** Explicit subject ids per call; larger lists come in pages (JSON or CSV) before sending starts. */
        @WithDefault("1000")
        int maxSubjectsPerCall();

        /**
         * An incident left COLLECTING (resolved, never sent) for this long has its notices' sealed addresses
         * purged by the retention sweep (himoya:breach-addresses), its notices FAILED with address-purged:
         * Himoya keeps an address only while it may still be used (issue 12, part 6).
         */
        @WithDefault("P30D")
        Duration unsentAddressTtl();

        /**
         * How long a completed incident and its notices (keyed hashes, statuses, dates: no address) are kept
         * as the record of who was told when (GDPR Art. 33(5) asks for the documentation, without a period;
         * five years outlasts the limitation periods of an authority's inquiry). Then the sweep deletes them.
         */
        @WithDefault("P1826D")
        Duration recordRetention();
    }

    /** Outgoing mail (uz.himoya.notice.MailGateway). */
    interface Mail {
        /**
         * The SES configuration set every mail names (header X-SES-CONFIGURATION-SET), whose event destination
         * publishes bounces and complaints to the mail-feedback queue (BreachFeedback); the infra sets it.
         * Unset (the local run, tests against a plain SMTP server): no SES headers are written.
         */
        Optional<String> sesConfigurationSet();
    }

    interface Queue {
        /** sqs: AWS SQS (or a compatible server at endpoint); in-process: a local executor, for the local run. */
        @WithDefault("sqs")
        String kind();

        Optional<String> erasureUrl();

        /**
         * The retention sweep's continuation queue: a sweep short of time leaves a message here and the same
         * function picks the run up from its stored cursor. Unset: the next scheduled sweep resumes the run.
         */
        Optional<String> retentionUrl();

        /** The breach notices queue, fed by POST /v1/breaches and drained by the breachNotifier function. */
        Optional<String> breachUrl();

        /** Overrides the SQS endpoint, e.g. a local ElasticMQ. */
        Optional<String> endpoint();

        @WithDefault("eu-central-1")
        String region();
    }

    /** The retention sweep (uz.himoya.retention): batches, time budget, and how long its own records live. */
    interface Retention {
        /** Rows per batch; each batch is one transaction, so a crash loses at most this much work. */
        @WithDefault("5000")
        int batchSize();

        /**
         * How long one invocation may work. Funqy's Lambda binding does not hand the Lambda context to the
         * function, so this is set to the function's timeout (15 minutes at most) in the deployment.
         */
        @WithDefault("PT14M")
        Duration timeBudget();

        /**
         * Time kept free at the end of the budget: a batch is not started with less than this left (a quarter
         * of the budget at most, so that a short budget still works).
         */
        @WithDefault("PT30S")
        Duration safetyMargin();

        /**
         * The budget of a sweep started over HTTP: below the HTTP function's timeout (15 s in infra) and API
         * Gateway's 30 s; what is left is handed on to the retention queue.
         */
        @WithDefault("PT10S")
        Duration httpTimeBudget();

        /** An unfinished run older than this is abandoned and a fresh one starts (fresh cut-off dates). */
        @WithDefault("P2D")
        Duration abandonAfter();

        /** Run records are kept this long, then swept like everything else. */
        @WithDefault("P90D")
        Duration runRetention();
    }

    /** The deadline watchdog (uz.himoya.watchdog). */
    interface Watchdog {
        /** Requests due within this many days are reported before they are late. */
        @WithDefault("3")
        int warningDays();

        /**
         * A queued job whose message has not led to progress after this long is enqueued again (its lease,
         * if it has one, must have run out too). A duplicate message is harmless: the database decides.
         */
        @WithDefault("PT30M")
        Duration redriveAfter();

        /** An unchanged digest is mailed again at most this often. */
        @WithDefault("PT24H")
        Duration digestRepeat();

        /** Where ops-only alerts go (e.g. breach authority deadlines); unset: HTTP and the log only. */
        Optional<String> opsEmail();
    }
}
