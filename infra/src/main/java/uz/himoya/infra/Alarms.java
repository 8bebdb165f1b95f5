package uz.himoya.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.FilterPattern;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.amazon.awscdk.services.logs.MetricFilter;
import software.amazon.awscdk.services.logs.MetricFilterOptions;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The alarm topic and the alarms Himoya needs: something in a dead-letter queue, a function that
 * failed, a function that was throttled, a change refused by the row guard. Each of them means a
 * privacy duty (an erasure, a breach notice, a deadline) may be late, so every alarm fires on the
 * first occurrence.
 */
public final class Alarms extends Construct {

    private static final Duration PERIOD = Duration.minutes(5);
    /** RowGuard.CODE in core, logged as alert=row-guard; repeated here since infra does not depend on core. */
    static final String ROW_GUARD = "row-guard";
    static final String ROW_GUARD_NAMESPACE = "Himoya/RowGuard";

    private final Topic topic;
    private final SnsAction notify;

    public Alarms(Construct scope, String id, HimoyaSettings settings) {
        super(scope, id);
        topic = Topic.Builder.create(this, "Topic")
                .topicName(settings.prefix() + "-alarms")
                .displayName("Himoya " + settings.stage() + " alarms")
                .enforceSsl(true)
                .build();
        if (settings.alarmEmail() != null) {
            topic.addSubscription(new EmailSubscription(settings.alarmEmail()));
        }
        notify = new SnsAction(topic);
    }

    public Topic topic() {
        return topic;
    }

    /**
     * A message that ran out of retries (or a schedule that could not invoke its function). The
     * alarm stays on while the queue holds messages, so it keeps reminding until someone acts.
     */
    public void onDeadLetters(Construct scope, IQueue deadLetterQueue, String queueName) {
        alarm(scope, "DeadLettersAlarm", queueName + "-not-empty",
                deadLetterQueue.metricApproximateNumberOfMessagesVisible(stat("Maximum")),
                "Messages in " + queueName + ": work that failed every retry. See infra/README.md, Alarms.");
    }

    /** Invocation errors and throttles of one function. */
    public void onFunctionTrouble(Construct scope, IFunction function, String functionName) {
        alarm(scope, "ErrorsAlarm", functionName + "-errors", function.metricErrors(stat("Sum")),
                functionName + " failed at least once in 5 minutes. See infra/README.md, Alarms.");
        alarm(scope, "ThrottlesAlarm", functionName + "-throttles", function.metricThrottles(stat("Sum")),
                functionName + " was throttled at least once in 5 minutes. See infra/README.md, Alarms.");
    }

    /**
     * A set-based change of an app's rows that changed other rows than it picked (or left picked rows
     * unchanged): the functions roll it back and log {@code alert=row-guard} (core uz.himoya.db.RowGuard).
     * Nothing was changed, but a sweep or an erasure stays undone until a person looks: usually a trigger,
     * rule or schema change on the app's table. Log metric filters take no fixed dimensions, so each
     * function gets its own metric name in the Himoya/RowGuard namespace.
     */
    public void onRowGuard(Construct scope, ILogGroup logGroup, String functionName) {
        MetricFilter filter = logGroup.addMetricFilter("RowGuardFilter", MetricFilterOptions.builder()
                .filterName(functionName + "-row-guard")
                .filterPattern(FilterPattern.literal("\"alert=" + ROW_GUARD + "\""))
                .metricNamespace(ROW_GUARD_NAMESPACE)
                .metricName(functionName)
                .metricValue("1")
                .build());
        alarm(scope, "RowGuardAlarm", functionName + "-row-guard", filter.metric(stat("Sum")),
                functionName + " refused a change whose rows were not the rows it picked; it was rolled back."
                        + " See infra/README.md, Alarms.");
    }

    private static MetricOptions stat(String statistic) {
        return MetricOptions.builder().period(PERIOD).statistic(statistic).build();
    }

    private void alarm(Construct scope, String id, String name, Metric metric, String description) {
        Alarm alarm = metric.createAlarm(scope, id, CreateAlarmOptions.builder()
                .alarmName(name)
                .alarmDescription(description)
                .threshold(1)
                .evaluationPeriods(1)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                // No data means no traffic, which is not a problem.
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build());
        alarm.addAlarmAction(notify);
        alarm.addOkAction(notify); // so whoever was paged also learns it is over
    }
}
