package uz.himoya.privacymap;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One system Himoya cannot reach by SQL, as a privacy map lists it under {@code webhooks}: where to POST
 * signed jobs, the name of the secret they are signed with, how long one attempt may take, which request
 * kinds it takes and which of the subject's identifiers it needs.
 *
 * <pre>{@code
 * WebhookSpec crm = map.webhook("crm").orElseThrow();
 * String secret = config.getValue(crm.secretConfigKey(), String.class);   // himoya.webhook.demo-crm.secret
 * }</pre>
 *
 * @param name         the system's name in the map, in receipts and in its callback path
 * @param url          absolute https URL (http only in the local run), no user info, no fragment
 * @param secret       the NAME of the signing secret, never the secret itself: maps are reviewed in git
 * @param timeout      one attempt, connect to last reply byte (1 s .. 25 s)
 * @param kinds        request kinds the system takes; at least one
 * @param identifiers  what the job tells the system about the subject: the key always, the e-mail only where
 *                     the map says the system needs it (data minimisation: a system that files people by
 *                     their id is not sent their address)
 * @param allowPrivate whether the target may sit at a private (VPC) address
 * @param retries      when Himoya stops trying and leaves the system's part to a person
 * @param line         the line of the entry in the map, for later problems
 */
public record WebhookSpec(String name, URI url, String secret, Duration timeout, Set<Kind> kinds,
        Set<Identifier> identifiers, boolean allowPrivate, Retries retries, int line) {

    /**
     * How long Himoya keeps at a system before its part is FAILED and needs a person (who re-drives it with
     * POST /v1/ops/deletion-requests/{id}/systems/{name}/retry once the system is fixed):
     *
     * @param maxAttempts    jobs sent at most (5xx, 408, 429, timeouts, a callback that never came: each counts)
     * @param callbackWithin after a 202, how long the callback may take before the same job is sent again
     * @param giveUpAfter    from the first attempt: a failed attempt after this long is the last one. At most
     *                       half the app's deletion deadline (PrivacyMapParser), so a person has the other half
     */
    public record Retries(int maxAttempts, Duration callbackWithin, Duration giveUpAfter) {
        /**
         * 12 attempts with the standard backoff (30 s doubling, at most 15 min between two) ride out about an hour
         * and a half of outage, a maintenance window, before a person is asked. A system that answers 202 works in
         * batches, nightly at the latest: it gets a day to call back, and is asked again twice. Three days in
         * all leave 4 of the 7 days of the shortest preset deadline (KG, Law No. 58 Art. 17) to a person.
         */
        public static final Retries DEFAULT = new Retries(12, Duration.ofHours(24), Duration.ofDays(3));

        public Retries {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts counts from 1");
            }
            Objects.requireNonNull(callbackWithin);
            Objects.requireNonNull(giveUpAfter);
        }
    }

    /** A request kind, as the map and the job body spell it. */
    public enum Kind {
        ERASURE("erasure"), ACCESS("access");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Optional<Kind> fromWire(String s) {
            return Arrays.stream(values()).filter(k -> k.wire.equals(s)).findFirst();
        }
    }

    /** An identifier of the subject a job may carry, as the map spells it. */
    public enum Identifier {
        /** The subject's key in the app's store (subject.key), found when the request was resolved. */
        ID("id"),
        /** The e-mail address registered in the app's store (subject.email). */
        EMAIL("email");

        private final String wire;

        Identifier(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Optional<Identifier> fromWire(String s) {
            return Arrays.stream(values()).filter(k -> k.wire.equals(s)).findFirst();
        }
    }

    /** A system with the default {@link Retries}. */
    public WebhookSpec(String name, URI url, String secret, Duration timeout, Set<Kind> kinds,
            Set<Identifier> identifiers, boolean allowPrivate, int line) {
        this(name, url, secret, timeout, kinds, identifiers, allowPrivate, Retries.DEFAULT, line);
    }

    public WebhookSpec {
        Objects.requireNonNull(retries);
        kinds = Set.copyOf(kinds);
        identifiers = Set.copyOf(identifiers);
    }

    /** Where the secret's value is configured (and mapped from Secrets Manager in AWS). */
    public String secretConfigKey() {
        return "himoya.webhook." + secret + ".secret";
    }

    public boolean takes(Kind kind) {
        return kinds.contains(kind);
    }

    public boolean needs(Identifier identifier) {
        return identifiers.contains(identifier);
    }

    /** The same system at another address (the local run's and the tests' targets, see WebhookSettings). */
    public WebhookSpec withUrl(URI other) {
        return new WebhookSpec(name, other, secret, timeout, kinds, identifiers, allowPrivate, retries, line);
    }
}
