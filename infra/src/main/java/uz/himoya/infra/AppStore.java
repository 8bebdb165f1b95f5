package uz.himoya.infra;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One app store: a database of an app that Himoya reads and changes, named in the app's privacy map
 * by its connection name. The functions find its credentials in one Secrets Manager secret.
 *
 * @param connection the connection name the privacy map uses, e.g. {@code demo-shop}
 * @param secretArn  complete ARN of an existing secret with the store's credentials, or {@code null}
 *                   for a placeholder secret the stack creates and the operator fills in
 */
public record AppStore(String connection, String secretArn) {

    /** The same rule core applies to connection names in privacy maps. */
    static final Pattern CONNECTION = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    /**
     * A complete ARN, with the six characters Secrets Manager appends to the name: IAM matches
     * resources literally, so a grant on a partial ARN would never match the secret.
     */
    static final Pattern SECRET_ARN = Pattern.compile(
            "arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}");

    public AppStore {
        Objects.requireNonNull(connection, "connection");
        if (!CONNECTION.matcher(connection).matches()) {
            throw new IllegalArgumentException("appStores: connection must match " + CONNECTION
                    + " (the name the privacy map uses), was '" + connection + "'");
        }
        if (secretArn != null && !SECRET_ARN.matcher(secretArn).matches()) {
            throw new IllegalArgumentException("appStores: secretArn of '" + connection
                    + "' must be a complete Secrets Manager ARN (ending in the 6-character suffix"
                    + " Secrets Manager adds to the name), was '" + secretArn + "'");
        }
    }

    /** The region in {@link #secretArn()}, or {@code null} without one. */
    String secretRegion() {
        if (secretArn == null) {
            return null;
        }
        var matcher = SECRET_ARN.matcher(secretArn);
        return matcher.matches() ? matcher.group(1) : null;
    }
}
