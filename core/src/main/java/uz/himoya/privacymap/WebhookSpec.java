package uz.himoya.privacymap;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
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
 * @param line         the line of the entry in the map, for later problems
 */
public record WebhookSpec(String name, URI url, String secret, Duration timeout, Set<Kind> kinds,
        Set<Identifier> identifiers, boolean allowPrivate, int line) {

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

    public WebhookSpec {
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
        return new WebhookSpec(name, other, secret, timeout, kinds, identifiers, allowPrivate, line);
    }
}
