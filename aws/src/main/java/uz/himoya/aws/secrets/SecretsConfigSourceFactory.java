package uz.himoya.aws.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.common.MapBackedConfigSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.eclipse.microprofile.config.spi.ConfigSource;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * In AWS, secrets come from Secrets Manager, never from plain environment variables (which show in the
 * console and in the template): the database credentials (HIMOYA_DB_SECRET_ARN: the application role's; the
 * migration function also gets the owner's, HIMOYA_DB_OWNER_SECRET_ARN, as Flyway's), Himoya's own secrets
 * (HIMOYA_SECRETS_ARN: crypto secret, app keys, ops key, webhook secrets, as config names) and the SES SMTP
 * credentials (HIMOYA_SMTP_SECRET_ARN), and one secret per app store (HIMOYA_STORE_SECRET_ARNS: connection=arn,...;
 * each secret in the shape of an RDS-generated one: host, port, dbname, username, password, and optionally
 * tls). Read once at start-up; with SnapStart that is before the snapshot, so a
 * rotated secret needs a new published version (infra's configRevision). Without the variables (tests,
 * local run) this source is empty.
 */
public class SecretsConfigSourceFactory implements ConfigSourceFactory {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The database owner's (master user's) credentials: given to the migration function alone. */
    static final String OWNER_SECRET = "HIMOYA_DB_OWNER_SECRET_ARN";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        String db = env(context, "HIMOYA_DB_SECRET_ARN");
        String own = env(context, "HIMOYA_SECRETS_ARN");
        String smtp = env(context, "HIMOYA_SMTP_SECRET_ARN");
        String stores = env(context, "HIMOYA_STORE_SECRET_ARNS");
        String owner = env(context, OWNER_SECRET);
        if (db == null && own == null && smtp == null && stores == null && owner == null) {
            return List.of();
        }
        try (SecretsManagerClient client = SecretsManagerClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            UnaryOperator<String> fetch = arn -> client.getSecretValue(b -> b.secretId(arn)).secretString();
            Map<String, String> p = properties(db, own, smtp, fetch);
            p.putAll(storeProperties(stores, fetch));
            p.putAll(ownerProperties(owner, fetch));
            return List.of(new MapBackedConfigSource("aws-secrets-manager", p, 275) {
            });
        }
    }

    /**
     * Each app store's secret as himoya.store."connection".* settings. A store whose secret cannot be read
     * is left out (and so unavailable, reported per app), instead of stopping every app's function.
     */
    static Map<String, String> storeProperties(String arns, UnaryOperator<String> fetch) {
        Map<String, String> p = new LinkedHashMap<>();
        if (arns == null) {
            return p;
        }
        for (String entry : arns.split(",")) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String connection = entry.substring(0, eq).trim();
            String prefix = "himoya.store.\"" + connection + "\".";
            try {
                JsonNode n = read(fetch.apply(entry.substring(eq + 1).trim()), "store " + connection);
                if (n.path("host").asText().isBlank() || n.path("dbname").asText().isBlank()
                        || n.path("username").asText().isBlank()) {
                    // The placeholder infra creates, not filled in yet: the store's app waits, the others run.
                    System.err.println("store secret for connection " + connection + " is not filled in; its app"
                            + " waits");
                    continue;
                }
                p.put(prefix + "host", n.path("host").asText());
                if (n.hasNonNull("port")) {
                    p.put(prefix + "port", n.path("port").asText());
                }
                p.put(prefix + "database", n.path("dbname").asText());
                p.put(prefix + "username", n.path("username").asText());
                p.put(prefix + "password", n.path("password").asText());
                if (n.hasNonNull("tls")) {
                    p.put(prefix + "tls", n.path("tls").asText());
                }
            } catch (RuntimeException e) {
                System.err.println("store secret for connection " + connection + " not read ("
                        + e.getClass().getSimpleName() + "); its app waits");
            }
        }
        return p;
    }

    /**
     * The owner's credentials as Flyway's (quarkus.flyway.username/password): the migration function migrates
     * as the owner, while its datasource, like every function's, is the application role's.
     */
    static Map<String, String> ownerProperties(String arn, UnaryOperator<String> fetch) {
        Map<String, String> p = new LinkedHashMap<>();
        if (arn != null) {
            credentials(p, "quarkus.flyway.", read(fetch.apply(arn), "database owner"));
        }
        return p;
    }

    /** Maps the three secrets' JSON to config properties; fetch reads one secret's string by ARN. */
    static Map<String, String> properties(String db, String own, String smtp, UnaryOperator<String> fetch) {
        Map<String, String> p = new LinkedHashMap<>();
        if (db != null) {
            credentials(p, "quarkus.datasource.", read(fetch.apply(db), "database"));
        }
        if (own != null) {
            read(fetch.apply(own), "himoya").fields().forEachRemaining(e -> p.put(e.getKey(), e.getValue().asText()));
        }
        if (smtp != null) {
            JsonNode n = read(fetch.apply(smtp), "smtp");
            if (n.hasNonNull("username")) {
                credentials(p, "quarkus.mailer.", n);
            }
        }
        return p;
    }

    /** A secret's username and password as prefix + username and prefix + password. */
    private static void credentials(Map<String, String> p, String prefix, JsonNode secret) {
        p.put(prefix + "username", secret.path("username").asText());
        p.put(prefix + "password", secret.path("password").asText());
    }

    private static JsonNode read(String secret, String which) {
        try {
            JsonNode n = JSON.readTree(secret);
            if (n == null || !n.isObject()) {
                throw new IllegalStateException("the " + which + " secret is not a JSON object");
            }
            return n;
        } catch (java.io.IOException e) {
            // Never the secret's text in a message.
            throw new IllegalStateException("the " + which + " secret is not JSON");
        }
    }

    private static String env(ConfigSourceContext context, String name) {
        var v = context.getValue(name);
        return v == null || v.getValue() == null || v.getValue().isBlank() ? null : v.getValue();
    }
}
