package uz.himoya.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.targets.LambdaInvoke;
import software.amazon.awscdk.services.scheduler.targets.ScheduleTargetBaseProps;
import software.constructs.Construct;

/**
 * An EventBridge Scheduler schedule that invokes a function alias, with retries and a dead-letter
 * queue for invocations that still fail (for example while the function is being throttled).
 */
public final class ScheduledJob extends Construct {

    private static final int RETRY_ATTEMPTS = 3;
    /** A run older than this is dropped: the next hourly or daily run does the same work anyway. */
    private static final Duration MAX_EVENT_AGE = Duration.hours(1);

    private final Schedule schedule;

    /**
     * @param name       short name, e.g. {@code retention-sweep}
     * @param expression when to run
     * @param target     the alias to invoke
     */
    public ScheduledJob(Construct scope, String id, HimoyaSettings settings, Alarms alarms, String name,
            ScheduleExpression expression, IFunction target) {
        super(scope, id);
        DeadLetters deadLetters = new DeadLetters(this, "DeadLetters",
                settings.prefix() + "-" + name + "-schedule-dlq", alarms);
        schedule = Schedule.Builder.create(this, "Schedule")
                .description("Runs Himoya " + name + " (" + settings.stage() + ")")
                .schedule(expression)
                .target(new LambdaInvoke(target, ScheduleTargetBaseProps.builder()
                        .retryAttempts(RETRY_ATTEMPTS)
                        .maxEventAge(MAX_EVENT_AGE)
                        .deadLetterQueue(deadLetters.queue())
                        .build()))
                .build();
    }

    public Schedule schedule() {
        return schedule;
    }
}
