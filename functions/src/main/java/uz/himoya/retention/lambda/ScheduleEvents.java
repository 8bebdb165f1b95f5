package uz.himoya.retention.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import uz.himoya.json.StrictJson;
import uz.himoya.lambda.SqsEvent;
import uz.himoya.retention.SweepOptions;
import uz.himoya.watchdog.WatchdogOptions;

/**
 * Tells the events a scheduled function receives apart, at the edge:
 * <ul>
 * <li>an SQS event ({"Records": [{"eventSource": "aws:sqs", ...}]}): continuations from the retention queue;</li>
 * <li>an EventBridge rule's scheduled event ({"detail-type": "Scheduled Event", "detail": {...}}): the
 * options are its detail (empty for a plain rate or cron rule);</li>
 * <li>anything else is the input EventBridge Scheduler (or a manual invoke) was configured with: the options
 * themselves.</li>
 * </ul>
 * Options are read by StrictJson like every other input. A schedule is configuration reviewed in infra, so
 * its fields may be left out: no app is every app, no dryRun a real sweep (the nightly sweep and the hourly
 * watchdog are meant to cover every app). The HTTP routes, which anyone holding the ops key can call, need
 * every choice spelt out.
 */
final class ScheduleEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** EventBridge Scheduler's context attributes, which a schedule's input may carry along; not options. */
    private static final Set<String> SCHEDULER = Set.of("scheduleArn", "scheduledTime", "executionId",
            "attemptNumber");

    sealed interface Event permits Queue, Schedule {
    }

    record Queue(SqsEvent sqs) implements Event {
    }

    /** options is null when the schedule gave none. */
    record Schedule(JsonNode options) implements Event {
    }

    /** A schedule's sweep input; every field may be left out (see above). */
    record ScheduledSweep(Optional<String> app, Optional<List<String>> rules, Optional<Boolean> dryRun,
            Optional<Duration> timeBudget) {
        SweepOptions options() {
            return SweepOptions.of(app.orElse(SweepOptions.EVERY_APP), rules, dryRun.orElse(false), timeBudget);
        }
    }

    /** A schedule's watchdog input. */
    record ScheduledWatchdog(Optional<String> app) {
        WatchdogOptions options() {
            return WatchdogOptions.of(app.orElse("*"));
        }
    }

    private ScheduleEvents() {
    }

    static Event read(JsonNode event) {
        if (event != null && event.isObject() && event.has("Records")) {
            JsonNode records = event.get("Records");
            if (!records.isArray() || !allSqs(records)) {
                throw new IllegalArgumentException("unsupported event: only SQS records (aws:sqs) are accepted");
            }
            return new Queue(JSON.convertValue(event, SqsEvent.class));
        }
        if (event != null && event.isObject() && event.has("detail-type")) {
            if (!"Scheduled Event".equals(event.get("detail-type").asText())) {
                // The type is not echoed: the event is not ours to quote in a log line.
                throw new IllegalArgumentException("unsupported EventBridge event: only 'Scheduled Event' is accepted");
            }
            return new Schedule(event.get("detail"));
        }
        return new Schedule(event);
    }

    /** The sweep a schedule asks for; a Problem (422) for any unknown field, wrong type or NUL. */
    static SweepOptions sweep(Schedule s) {
        return StrictJson.read(options(s), ScheduledSweep.class).options();
    }

    static WatchdogOptions watchdog(Schedule s) {
        return StrictJson.read(options(s), ScheduledWatchdog.class).options();
    }

    private static JsonNode options(Schedule s) {
        if (s.options() == null || s.options().isNull() || s.options().isMissingNode()) {
            return JSON.createObjectNode();
        }
        if (s.options().isObject()) {
            ObjectNode copy = s.options().deepCopy();
            copy.remove(SCHEDULER);
            return copy;
        }
        return s.options();
    }

    private static boolean allSqs(JsonNode records) {
        for (JsonNode r : records) {
            if (!"aws:sqs".equals(r.path("eventSource").asText())) {
                return false;
            }
        }
        return true;
    }
}
