package uz.himoya.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature on webhook jobs Himoya sends and on the callbacks it receives:
 * {@code Himoya-Signature: t=<unix seconds>,v1=<lowercase hex HMAC-SHA256(secret, "<t>." + body)>}.
 * The timestamp is inside the MAC, so a captured message cannot be replayed with a fresh time, and a
 * message older (or newer) than the window is refused even when its MAC is right.
 *
 * <pre>{@code
 * String header = WebhookSignature.sign(secret, body, clock.instant());
 * WebhookSignature.verify(secret, header, body, clock.instant(), WebhookSignature.DEFAULT_WINDOW);
 * }</pre>
 *
 * Exceptions never carry the secret, the body or the header sent: only which rule failed.
 */
public final class WebhookSignature {
    public static final String HEADER = "Himoya-Signature";
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    private static final int MAX_HEADER = 200;
    /** No sign, no leading zeros: one spelling per second, so the text signed is the number meant. */
    private static final Pattern SECONDS = Pattern.compile("0|[1-9][0-9]{0,11}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final HexFormat HEX_FORMAT = HexFormat.of();

    /** Why a signature was refused. */
    public static final class Rejected extends RuntimeException {
        public enum Reason { MALFORMED, MISMATCH, STALE }

        private final Reason reason;

        Rejected(Reason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    private WebhookSignature() {
    }

    /** The header value for body, signed at the given time. */
    public static String sign(String secret, byte[] body, Instant at) {
        String t = Long.toString(at.getEpochSecond());
        return "t=" + t + ",v1=" + HEX_FORMAT.formatHex(mac(secret, t, body));
    }

    /** {@link #verify(String, String, byte[], Instant, Duration)} with the default 5-minute window. */
    public static Instant verify(String secret, String header, byte[] body, Instant now) {
        return verify(secret, header, body, now, DEFAULT_WINDOW);
    }

    /**
     * Checks the header against body and returns the signed time. The MAC is compared first and in constant
     * time; only an authentic message is then judged by its age, so "stale" is never said of a forgery.
     *
     * @throws Rejected MALFORMED (not exactly one t and one v1 in the format above), MISMATCH (wrong MAC),
     *                  STALE (signed more than window before or after now)
     */
    public static Instant verify(String secret, String header, byte[] body, Instant now, Duration window) {
        if (header == null || header.isEmpty() || header.length() > MAX_HEADER) {
            throw malformed();
        }
        String t = null;
        String v1 = null;
        for (String part : header.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw malformed();
            }
            String key = part.substring(0, eq);
            String value = part.substring(eq + 1);
            if (key.equals("t") && t == null) {
                t = value;
            } else if (key.equals("v1") && v1 == null) {
                v1 = value;
            } else {
                throw malformed(); // an unknown part, or one given twice: which one would count?
            }
        }
        if (t == null || v1 == null || !SECONDS.matcher(t).matches() || !HEX.matcher(v1).matches()) {
            throw malformed();
        }
        if (!MessageDigest.isEqual(mac(secret, t, body), HEX_FORMAT.parseHex(v1))) {
            throw new Rejected(Rejected.Reason.MISMATCH, "The signature does not match the body.");
        }
        Instant signed = Instant.ofEpochSecond(Long.parseLong(t));
        if (Duration.between(signed, now).abs().compareTo(window) > 0) {
            throw new Rejected(Rejected.Reason.STALE, "The signature's time is outside the replay window.");
        }
        return signed;
    }

    private static Rejected malformed() {
        return new Rejected(Rejected.Reason.MALFORMED,
                "The " + HEADER + " header must be t=<unix seconds>,v1=<64 lowercase hex digits>.");
    }

    private static byte[] mac(String secret, String t, byte[] body) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the webhook secret is empty");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
