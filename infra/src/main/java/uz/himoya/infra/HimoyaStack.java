package uz.himoya.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnOutputProps;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.TimeZone;
import software.amazon.awscdk.services.scheduler.CronOptionsWithTimezone;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.ses.EmailIdentity;
import software.amazon.awscdk.services.ses.Identity;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * Himoya on AWS: the HTTP function behind an HTTP API, four queue workers (the fourth records SES's bounces and
 * complaints), two scheduled jobs, the migration function a deploy runs, an Aurora PostgreSQL database behind an RDS Proxy, secrets, and alarms.
 */
public final class HimoyaStack extends Stack {

    private static final String FUNQY_EXPORT = "QUARKUS_FUNQY_EXPORT";
    /** How long one retention-sweep invocation works (core himoya.retention.time-budget). */
    static final java.time.Duration RETENTION_TIME_BUDGET = java.time.Duration.ofMinutes(14);
    /** How long a sweep started over HTTP works before it hands on (core himoya.retention.http-time-budget). */
    static final java.time.Duration HTTP_SWEEP_BUDGET = java.time.Duration.ofSeconds(6);

    public HimoyaStack(Construct scope, String id, StackProps props, HimoyaSettings settings) {
        super(scope, id, props);

        Network network = new Network(this, "Network", settings);
        Database database = new Database(this, "Database", network, settings);
        HimoyaSecrets secrets = new HimoyaSecrets(this, "Secrets", settings);
        AppStoreSecrets appStores = new AppStoreSecrets(this, "AppStores", settings);
        if (!settings.appStores().isEmpty() && settings.network().appStoreNetworks().isEmpty()
                && settings.network().extraSecurityGroupIds().isEmpty()) {
            // Not an error: the stores (and their secrets) may be set up before the network is.
            Annotations.of(this).addWarningV2("himoya:appStoresUnreachable", "appStores are configured, but"
                    + " neither appStoreNetworks nor extraSecurityGroupIds: the functions cannot connect to"
                    + " any app store (README, Reach the app stores)");
        }
        Alarms alarms = new Alarms(this, "Alarms", settings);
        PublicApi api = new PublicApi(this, "HttpApi", settings);
        MailFeedback mailFeedback = new MailFeedback(this, "MailFeedback", settings);
        if (settings.mailFromDomain() != null) {
            // SES still has to verify the domain: publish the DKIM records it shows (see README).
            EmailIdentity.Builder.create(this, "MailIdentity")
                    .identity(Identity.domain(settings.mailFromDomain()))
                    // Also the identity's default, for a mail that names no configuration set.
                    .configurationSet(mailFeedback.configurationSet())
                    .build();
        }

        BreachFanOut fanOut = BreachFanOut.of(settings);
        Map<String, String> environment = commonEnvironment(settings, database, secrets, appStores, api, fanOut);
        // Every mail names the configuration set, so SES reports its bounces and complaints (MailFeedback).
        environment.put("HIMOYA_MAIL_SES_CONFIGURATION_SET", mailFeedback.configurationSetName());
        FunctionDefaults defaults = new FunctionDefaults(settings, network, database,
                List.of(secrets.app(), secrets.smtp()), appStores, environment, alarms);
        String functions = settings.functionsAsset();

        QueueWorker erasure = new QueueWorker(this, "ErasureWorker", defaults, new HimoyaFunction.Spec(
                // Well under the job lease (5 minutes), so a timed-out job is retaken, never run twice at once.
                "erasure-worker", functions, Duration.minutes(2), Map.of(FUNQY_EXPORT, "erasureWorker")),
                "erasure-jobs");
        QueueWorker breach = new QueueWorker(this, "BreachNotifier", defaults, new HimoyaFunction.Spec(
                "breach-notifier", functions, Duration.seconds(BreachFanOut.TIMEOUT.toSeconds()),
                Map.of(FUNQY_EXPORT, "breachNotifier")), "breach-notices", BreachFanOut.MESSAGES_PER_INVOCATION,
                fanOut.instances());
        QueueWorker retention = new QueueWorker(this, "RetentionSweep", defaults, new HimoyaFunction.Spec(
                // The Lambda maximum: a sweep that needs longer queues a continuation for itself.
                "retention-sweep", functions, Duration.minutes(15), Map.of(FUNQY_EXPORT, "retentionSweep",
                        // Funqy hands the function no Lambda context: the sweep counts its own time. Its last
                        // batch starts before this ends and takes one statement timeout (30 s) at most, all
                        // within the store work limit of 14.5 minutes (StoreLimitsTest).
                        "HIMOYA_RETENTION_TIME_BUDGET", RETENTION_TIME_BUDGET.toString())),
                "retention-continuations");
        retention.letHandlerSendToOwnQueue("HIMOYA_QUEUE_RETENTION_URL");
        QueueWorker feedback = new QueueWorker(this, "MailFeedbackHandler", defaults, new HimoyaFunction.Spec(
                // One database update per event: a batch of 10 takes well under a second.
                "mail-feedback", functions, Duration.seconds(30), Map.of(FUNQY_EXPORT, "mailFeedback")),
                "mail-feedback");
        mailFeedback.deliverTo(feedback.queue());
        // The watchdog re-queues stuck deletion jobs and breach notices: it sends to both queues.
        HimoyaFunction watchdog = new HimoyaFunction(this, "DeadlineWatchdog", defaults, new HimoyaFunction.Spec(
                "deadline-watchdog", functions, Duration.minutes(5), Map.of(FUNQY_EXPORT, "deadlineWatchdog",
                        "HIMOYA_QUEUE_ERASURE_URL", erasure.queue().getQueueUrl(),
                        "HIMOYA_QUEUE_BREACH_URL", breach.queue().getQueueUrl())));
        erasure.queue().grantSendMessages(watchdog.function());
        breach.queue().grantSendMessages(watchdog.function());

        HimoyaFunction http = new HimoyaFunction(this, "HttpHandler", defaults, new HimoyaFunction.Spec(
                "http-api", settings.httpAsset(), Duration.seconds(15), Map.of(
                        "HIMOYA_QUEUE_ERASURE_URL", erasure.queue().getQueueUrl(),
                        "HIMOYA_QUEUE_BREACH_URL", breach.queue().getQueueUrl(),
                        // a sweep started over HTTP hands what it cannot finish in time to the sweep function
                        "HIMOYA_QUEUE_RETENTION_URL", retention.queue().getQueueUrl(),
                        // and ends its own part well inside the HTTP function's store work limit (10 s)
                        "HIMOYA_RETENTION_HTTP_TIME_BUDGET", HTTP_SWEEP_BUDGET.toString())));
        erasure.queue().grantSendMessages(http.function());
        breach.queue().grantSendMessages(http.function());
        retention.queue().grantSendMessages(http.function());
        api.routeTo(http.live());

        // Migrations run once per deploy, before any other function is updated (and so before a SnapStart
        // version of one starts up against a schema it does not know).
        Migration migration = new Migration(this, "Migration", defaults, functions);
        migration.runBefore(List.of(erasure.handler(), breach.handler(), retention.handler(), feedback.handler(),
                watchdog, http));

        new ScheduledJob(this, "RetentionSchedule", settings, alarms, "retention-sweep",
                // Night for the apps' users (Central Asia), when the sweep's deletes disturb least.
                ScheduleExpression.cron(CronOptionsWithTimezone.builder()
                        .minute("0").hour("3").timeZone(TimeZone.ASIA_TASHKENT).build()),
                retention.handler().live());
        new ScheduledJob(this, "WatchdogSchedule", settings, alarms, "deadline-watchdog",
                ScheduleExpression.rate(Duration.hours(1)), watchdog.live());

        output("HttpApiUrl", api.url(), "Base URL of the Himoya API");
        output("ErasureQueueUrl", erasure.queue().getQueueUrl(), "Erasure jobs queue");
        output("BreachQueueUrl", breach.queue().getQueueUrl(), "Breach notices queue");
        output("RetentionQueueUrl", retention.queue().getQueueUrl(), "Retention sweep continuations queue");
        output("AlarmTopicArn", alarms.topic().getTopicArn(), "SNS topic every alarm notifies");
        output("AppSecretArn", secrets.app().getSecretArn(), "Crypto secret and app API keys");
        output("SmtpSecretArn", secrets.smtp().getSecretArn(), "SES SMTP credentials");
        output("DatabaseSecretArn", database.secret().getSecretArn(), "Database master credentials");
        output("DatabaseAppSecretArn", database.appSecret().getSecretArn(),
                "Credentials of the functions' database role (DML only)");
        // What an app database's security group accepts Himoya's connections from (same VPC or peered).
        output("FunctionSecurityGroupId", network.functionSecurityGroup().getSecurityGroupId(),
                "Security group of every Himoya function");
        appStores.environmentValue().ifPresent(value ->
                output("AppStoreSecretArns", value, "Secret of each app store, as connection=arn,..."));
    }

    private static Map<String, String> commonEnvironment(HimoyaSettings settings, Database database,
            HimoyaSecrets secrets, AppStoreSecrets appStores, PublicApi api, BreachFanOut fanOut) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HIMOYA_STAGE", settings.stage());
        env.put("HIMOYA_APPS", settings.apps());
        env.put("HIMOYA_PUBLIC_BASE_URL", api.url());
        // SnapStart snapshots the start-up, secrets read there included: a new revision means new
        // versions, i.e. a fresh start-up that reads the current secret values.
        env.put("HIMOYA_CONFIG_REVISION", settings.configRevision());
        // The SQS client defaults to eu-central-1; the queues live in the stack's region.
        env.put("HIMOYA_QUEUE_REGION", settings.region());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl());
        // Only ARNs here: the code reads the values from Secrets Manager at start-up.
        env.put("HIMOYA_DB_SECRET_ARN", database.appSecret().getSecretArn());
        // The migration function migrates, once per deploy; no function does at its start.
        env.put("QUARKUS_FLYWAY_MIGRATE_AT_START", "false");
        env.put("HIMOYA_SECRETS_ARN", secrets.app().getSecretArn());
        env.put("HIMOYA_SMTP_SECRET_ARN", secrets.smtp().getSecretArn());
        // Every function that queues breach notices cuts them into the same messages the notifier is sized for.
        env.putAll(fanOut.environment());
        // One secret per app store; left out without stores, so that the default stack stays as it was.
        appStores.environmentValue().ifPresent(value -> env.put(AppStoreSecrets.ENVIRONMENT_VARIABLE, value));
        // Through the VPC endpoint for SES SMTP (private DNS makes the public name resolve to it).
        env.put("QUARKUS_MAILER_HOST", "email-smtp." + settings.region() + ".amazonaws.com");
        env.put("QUARKUS_MAILER_PORT", String.valueOf(Network.SMTP_SUBMISSION_PORT));
        env.put("QUARKUS_MAILER_START_TLS", "REQUIRED");
        env.put("QUARKUS_MAILER_FROM", settings.mailFrom());
        return env;
    }

    private void output(String id, String value, String description) {
        new CfnOutput(this, id, CfnOutputProps.builder().value(value).description(description).build());
    }
}
