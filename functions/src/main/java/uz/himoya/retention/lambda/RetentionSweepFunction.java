package uz.himoya.retention.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.funqy.Funq;
import uz.himoya.lambda.SqsBatchResponse;
import uz.himoya.problem.Problem;
import uz.himoya.retention.ContinuationBatch;
import uz.himoya.retention.RetentionSweeper;
import uz.himoya.retention.SweepOptions;

/**
 * The retention sweep (QUARKUS_FUNQY_EXPORT=retentionSweep), triggered by a schedule and by its own
 * continuation queue. Sample events: src/test/resources/events/scheduled-event.json,
 * scheduler-retention-demo.json, sqs-retention-continuation.json.
 *
 * <p>The time budget is himoya.retention.time-budget, counted from the invocation's start: Funqy's Lambda
 * binding (3.34) does not pass the Lambda context to functions, so its remaining time cannot be read here.
 */
public class RetentionSweepFunction {
    private final RetentionSweeper sweeper;
    private final ContinuationBatch continuations;

    public RetentionSweepFunction(RetentionSweeper sweeper, ContinuationBatch continuations) {
        this.sweeper = sweeper;
        this.continuations = continuations;
    }

    @Funq("retentionSweep")
    public Object retentionSweep(JsonNode event) {
        return switch (ScheduleEvents.read(event)) {
            case ScheduleEvents.Queue q -> SqsBatchResponse.of(continuations.process(q.sqs().messages()));
            case ScheduleEvents.Schedule s -> {
                try {
                    yield sweeper.sweep(ScheduleEvents.sweep(s), "schedule");
                } catch (Problem p) {
                    throw new IllegalArgumentException("invalid retention sweep event: " + SweepOptions.describe(p));
                }
            }
        };
    }
}
