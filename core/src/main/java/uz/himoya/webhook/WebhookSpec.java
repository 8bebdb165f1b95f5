package uz.himoya.webhook;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * One system Himoya cannot reach by SQL, as a privacy map lists it under {@code webhooks}: where to POST
 * signed jobs, the name of the secret they are signed with, how long one attempt may take and which request
 * kinds it takes.
 *
 * <pre>{@code
 * WebhookSpec crm = WebhookSpecs.parse("privacy-maps/demo.yaml", yaml, false).get(0);
 * String secret = config.getValue(crm.secretConfigKey(), String.class);   // himoya.webhook.demo-crm.secret
 * }</pre>
 *
 * @param name         the system's name in the map, in receipts and in its callback path
 * @param url          absolute https URL (http only in the local run), no user info, no fragment
 * @param secret       the NAME of the signing secret, never the secret itself: maps are reviewed in git
 * @param timeout      one attempt, connect to last reply byte (1 s .. 25 s)
 * @param kinds        request kinds the system takes; at least one
 * @param allowPrivate whether the target may sit at a private (VPC) address
 * @param line         the line of the entry in the map, for later problems
 */
public record WebhookSpec(String name, URI url, String secret, Duration timeout, Set<Kind> kinds,
        boolean allowPrivate, int line) {

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

    public WebhookSpec {
        kinds = Set.copyOf(kinds);
    }

    /** Where the secret's value is configured (and mapped from Secrets Manager in AWS). */
    public String secretConfigKey() {
        return "himoya.webhook." + secret + ".secret";
    }

    public boolean takes(Kind kind) {
        return kinds.contains(kind);
    }
}
