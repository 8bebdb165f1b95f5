package uz.himoya.infra;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Everything an operator can choose at deploy time, read from CDK context ({@code -c key=value}).
 * Validated here so that a typo fails the synthesis instead of a half-finished deployment.
 *
 * @param stage            deployment name, part of every resource name ({@code himoya-<stage>-...})
 * @param region           AWS region to deploy to
 * @param apps             comma-separated app ids whose privacy maps the functions load
 * @param memoryMb         memory of every function
 * @param maxConcurrency   upper bound of concurrent invocations per queue consumer
 * @param sesMaxSendRate   the SES account's maximum send rate in this region, mails per second (SES console,
 *                         "Account dashboard"; 14 on a new production account, 1 in the sandbox): BreachFanOut
 * @param logRetentionDays how long function logs are kept (they can contain personal data)
 * @param httpAsset        path of the HTTP function zip
 * @param functionsAsset   path of the background functions zip
 * @param smtpSecretArn    existing secret with SES SMTP credentials, or {@code null} for a placeholder
 * @param mailFrom         sender address of every mail
 * @param mailFromDomain   domain to create an SES identity for, or {@code null}
 * @param alarmEmail       address subscribed to the alarm topic, or {@code null}
 * @param configRevision   free text; changing it publishes new function versions, which is how
 *                         changed secret values reach functions whose start-up is snapshotted
 * @param appStores        the app databases the privacy maps name, sorted by connection name
 * @param network          own or existing VPC, and where the functions may reach app stores
 */
public record HimoyaSettings(
        String stage,
        String region,
        String apps,
        int memoryMb,
        int maxConcurrency,
        double sesMaxSendRate,
        int logRetentionDays,
        String httpAsset,
        String functionsAsset,
        String smtpSecretArn,
        String mailFrom,
        String mailFromDomain,
        String alarmEmail,
        String configRevision,
        List<AppStore> appStores,
        NetworkSettings network) {

    public static final String DEFAULT_STAGE = "dev";
    public static final String DEFAULT_REGION = "eu-central-1";
    public static final String DEFAULT_HTTP_ASSET = "../http/target/function.zip";
    public static final String DEFAULT_FUNCTIONS_ASSET = "../functions/target/function.zip";

    // The stage becomes part of queue, function and proxy names, which allow little more than this.
    private static final Pattern STAGE = Pattern.compile("[a-z][a-z0-9-]{0,19}");
    private static final Pattern APPS = Pattern.compile("[a-z0-9-]{2,40}(,[a-z0-9-]{2,40})*");
    // AWS rejects an SQS event source mapping with a maximum concurrency below 2.
    private static final int MIN_QUEUE_CONCURRENCY = 2;
    private static final Set<String> APP_STORE_FIELDS = Set.of("connection", "secretArn");
    private static final ObjectMapper JSON = new ObjectMapper();

    public HimoyaSettings {
        require(STAGE.matcher(Objects.requireNonNull(stage, "stage")).matches(),
                "stage must match " + STAGE + ", was '" + stage + "'");
        require(region != null && !region.isBlank(), "region is required");
        require(apps != null && APPS.matcher(apps).matches(),
                "apps must be a comma-separated list of app ids, was '" + apps + "'");
        require(memoryMb >= 128 && memoryMb <= 10240, "memory must be 128..10240 MB, was " + memoryMb);
        require(maxConcurrency >= MIN_QUEUE_CONCURRENCY && maxConcurrency <= 1000,
                "maxConcurrency must be 2..1000, was " + maxConcurrency);
        require(sesMaxSendRate >= 1 && sesMaxSendRate <= 10_000,
                "sesMaxSendRate must be the SES account's send rate, 1..10000 mails per second, was " + sesMaxSendRate);
        LogRetention.of(logRetentionDays); // fails early on a value CloudWatch does not offer
        Objects.requireNonNull(httpAsset, "httpAsset");
        Objects.requireNonNull(functionsAsset, "functionsAsset");
        require(mailFrom != null && mailFrom.contains("@"), "mailFrom must be an e-mail address");
        Objects.requireNonNull(configRevision, "configRevision");
        // Sorted once here: the secrets' environment variable and its template stay the same
        // whatever order the operator lists the stores in.
        appStores = Objects.requireNonNull(appStores, "appStores").stream()
                .sorted(Comparator.comparing(AppStore::connection))
                .toList();
        Set<String> connections = new HashSet<>();
        for (AppStore store : appStores) {
            require(connections.add(store.connection()),
                    "appStores names connection '" + store.connection() + "' twice; one secret per store");
            // The functions reach Secrets Manager through the VPC endpoint of their own region only.
            require(store.secretArn() == null || region.equals(store.secretRegion()),
                    "appStores: secretArn of '" + store.connection() + "' must be in region " + region
                            + ", was '" + store.secretArn() + "'");
        }
        Objects.requireNonNull(network, "network").checkRegion(region);
    }

    /** True for the production stage, which keeps its data and logs when the stack is removed. */
    public boolean isProduction() {
        return "prod".equals(stage);
    }

    /** The prefix of every physical name, so that several stages can share one account. */
    public String prefix() {
        return "himoya-" + stage;
    }

    /**
     * Reads the settings from context values.
     *
     * @param context returns the context value for a key, or {@code null}
     * @param env     returns an environment variable, or {@code null}
     */
    public static HimoyaSettings from(Function<String, Object> context, Function<String, String> env) {
        String defaultRegion = Objects.requireNonNullElse(env.apply("CDK_DEFAULT_REGION"), DEFAULT_REGION);
        return new HimoyaSettings(
                text(context, "stage", DEFAULT_STAGE),
                text(context, "region", defaultRegion),
                text(context, "apps", "demo"),
                number(context, "memory", 512),
                number(context, "maxConcurrency", 5),
                decimal(context, "sesMaxSendRate", 14),
                number(context, "logRetentionDays", 30),
                text(context, "http", DEFAULT_HTTP_ASSET),
                text(context, "functions", DEFAULT_FUNCTIONS_ASSET),
                text(context, "smtpSecretArn", null),
                text(context, "mailFrom", "no-reply@example.com"),
                text(context, "mailFromDomain", null),
                text(context, "alarmEmail", null),
                text(context, "configRevision", "1"),
                appStores(context),
                new NetworkSettings(
                        text(context, "vpcId", null),
                        list(context, "availabilityZones"),
                        list(context, "privateSubnetIds"),
                        list(context, "extraSecurityGroupIds"),
                        text(context, "vpcCidr", null),
                        list(context, "appStoreNetworks"),
                        ports(context, "appStorePorts", NetworkSettings.DEFAULT_APP_STORE_PORTS)));
    }

    /**
     * {@code appStores}: a JSON array of {@code {"connection": …, "secretArn": …}} objects (cdk.json,
     * or a {@code -c} value starting with {@code [}), or the short form {@code -c} is made for,
     * {@code connection[=secretArn],…}, e.g. {@code demo-shop,crm=arn:aws:secretsmanager:…}.
     */
    private static List<AppStore> appStores(Function<String, Object> context) {
        Object value = json(context, "appStores");
        List<AppStore> stores = new ArrayList<>();
        if (value instanceof List<?> entries) {
            for (Object entry : entries) {
                if (entry instanceof Map<?, ?> fields) {
                    stores.add(appStore(fields));
                } else if (entry instanceof String text) {
                    stores.add(appStore(text));
                } else {
                    throw new IllegalArgumentException("appStores entries must be objects with connection"
                            + " and optional secretArn, was " + entry);
                }
            }
        } else if (value instanceof Map<?, ?>) {
            throw new IllegalArgumentException("appStores must be a list of {\"connection\": …, \"secretArn\": …}"
                    + " objects, was an object: " + value);
        } else if (value != null) {
            for (String entry : split(value.toString())) {
                stores.add(appStore(entry));
            }
        }
        return stores;
    }

    private static AppStore appStore(Map<?, ?> fields) {
        for (Object key : fields.keySet()) {
            // A misspelt "secretARN" would otherwise quietly create an empty placeholder instead.
            require(APP_STORE_FIELDS.contains(key), "appStores entry " + fields + " has unknown key '" + key
                    + "'; allowed: " + APP_STORE_FIELDS);
        }
        Object connection = fields.get("connection");
        Object secretArn = fields.get("secretArn");
        require(connection != null, "appStores entry " + fields + " lacks connection");
        return new AppStore(connection.toString().trim(),
                secretArn == null || secretArn.toString().isBlank() ? null : secretArn.toString().trim());
    }

    private static AppStore appStore(String entry) {
        // An ARN holds ':' but never '=' or ',', so both separate unambiguously.
        int equals = entry.indexOf('=');
        return equals < 0
                ? new AppStore(entry.trim(), null)
                : new AppStore(entry.substring(0, equals).trim(), entry.substring(equals + 1).trim());
    }

    /** A list of texts: a JSON array, or comma-separated text; empty when not given. */
    private static List<String> list(Function<String, Object> context, String key) {
        Object value = json(context, key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> items) {
            return items.stream().map(item -> Objects.toString(item, "").trim()).filter(s -> !s.isEmpty()).toList();
        }
        return split(value.toString());
    }

    private static List<Integer> ports(Function<String, Object> context, String key, List<Integer> fallback) {
        List<String> values = list(context, key);
        if (values.isEmpty()) {
            return fallback;
        }
        return values.stream().map(value -> wholeNumber(key, value)).toList();
    }

    /** The context value, with text that is a JSON array parsed: {@code -c} always delivers text. */
    private static Object json(Function<String, Object> context, String key) {
        Object value = context.apply(key);
        if (value instanceof String text) {
            text = text.trim();
            if (text.isEmpty()) {
                return null;
            }
            if (text.startsWith("[")) {
                try {
                    return JSON.readValue(text, List.class);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("context " + key + " starts with '[' but is no JSON array: "
                            + e.getOriginalMessage());
                }
            }
            return text;
        }
        return value;
    }

    private static List<String> split(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String text(Function<String, Object> context, String key, String fallback) {
        Object value = context.apply(key);
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        return value.toString().trim();
    }

    private static int number(Function<String, Object> context, String key, int fallback) {
        String value = text(context, key, null);
        return value == null ? fallback : wholeNumber(key, value);
    }

    private static double decimal(Function<String, Object> context, String key, double fallback) {
        String value = text(context, key, null);
        if (value == null) {
            return fallback;
        }
        try {
            double parsed = Double.parseDouble(value);
            if (Double.isFinite(parsed)) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("context " + key + " must be a number, was '" + value + "'");
    }

    private static int wholeNumber(String key, String value) {
        try {
            // cdk.json may hold 30 or 30.0; "-c key=30" always arrives as a string.
            double parsed = Double.parseDouble(value);
            if (parsed == Math.rint(parsed)) {
                return (int) parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, like a fraction
        }
        throw new IllegalArgumentException("context " + key + " must be a whole number, was '" + value + "'");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
