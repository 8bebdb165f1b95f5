package uz.himoya.infra;

import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Everything an operator can choose at deploy time, read from CDK context ({@code -c key=value}).
 * Validated here so that a typo fails the synthesis instead of a half-finished deployment.
 *
 * @param stage            deployment name, part of every resource name ({@code himoya-<stage>-...})
 * @param region           AWS region to deploy to
 * @param apps             comma-separated app ids whose privacy maps the functions load
 * @param memoryMb         memory of every function
 * @param maxConcurrency   upper bound of concurrent invocations per queue consumer
 * @param logRetentionDays how long function logs are kept (they can contain personal data)
 * @param httpAsset        path of the HTTP function zip
 * @param functionsAsset   path of the background functions zip
 * @param smtpSecretArn    existing secret with SES SMTP credentials, or {@code null} for a placeholder
 * @param mailFrom         sender address of every mail
 * @param mailFromDomain   domain to create an SES identity for, or {@code null}
 * @param alarmEmail       address subscribed to the alarm topic, or {@code null}
 * @param configRevision   free text; changing it publishes new function versions, which is how
 *                         changed secret values reach functions whose start-up is snapshotted
 */
public record HimoyaSettings(
        String stage,
        String region,
        String apps,
        int memoryMb,
        int maxConcurrency,
        int logRetentionDays,
        String httpAsset,
        String functionsAsset,
        String smtpSecretArn,
        String mailFrom,
        String mailFromDomain,
        String alarmEmail,
        String configRevision) {

    public static final String DEFAULT_STAGE = "dev";
    public static final String DEFAULT_REGION = "eu-central-1";
    public static final String DEFAULT_HTTP_ASSET = "../http/target/function.zip";
    public static final String DEFAULT_FUNCTIONS_ASSET = "../functions/target/function.zip";

    // The stage becomes part of queue, function and proxy names, which allow little more than this.
    private static final Pattern STAGE = Pattern.compile("[a-z][a-z0-9-]{0,19}");
    private static final Pattern APPS = Pattern.compile("[a-z0-9-]{2,40}(,[a-z0-9-]{2,40})*");
    // AWS rejects an SQS event source mapping with a maximum concurrency below 2.
    private static final int MIN_QUEUE_CONCURRENCY = 2;

    public HimoyaSettings {
        require(STAGE.matcher(Objects.requireNonNull(stage, "stage")).matches(),
                "stage must match " + STAGE + ", was '" + stage + "'");
        require(region != null && !region.isBlank(), "region is required");
        require(apps != null && APPS.matcher(apps).matches(),
                "apps must be a comma-separated list of app ids, was '" + apps + "'");
        require(memoryMb >= 128 && memoryMb <= 10240, "memory must be 128..10240 MB, was " + memoryMb);
        require(maxConcurrency >= MIN_QUEUE_CONCURRENCY && maxConcurrency <= 1000,
                "maxConcurrency must be 2..1000, was " + maxConcurrency);
        LogRetention.of(logRetentionDays); // fails early on a value CloudWatch does not offer
        Objects.requireNonNull(httpAsset, "httpAsset");
        Objects.requireNonNull(functionsAsset, "functionsAsset");
        require(mailFrom != null && mailFrom.contains("@"), "mailFrom must be an e-mail address");
        Objects.requireNonNull(configRevision, "configRevision");
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
                number(context, "logRetentionDays", 30),
                text(context, "http", DEFAULT_HTTP_ASSET),
                text(context, "functions", DEFAULT_FUNCTIONS_ASSET),
                text(context, "smtpSecretArn", null),
                text(context, "mailFrom", "no-reply@example.com"),
                text(context, "mailFromDomain", null),
                text(context, "alarmEmail", null),
                text(context, "configRevision", "1"));
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
        if (value == null) {
            return fallback;
        }
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
