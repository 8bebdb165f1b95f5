package uz.himoya.retention.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import uz.himoya.lambda.SqsEvent;

/**
 * Tells the events a scheduled function receives apart, at the edge:
 * <ul>
 * <li>an SQS event ({"Records": [{"eventSource": "aws:sqs", ...}]}): continuations from the retention queue;</li>
 * <li>an EventBridge rule's scheduled event ({"detail-type": "Scheduled Event", "detail": {...}}): the
 * options are its detail (empty for a plain rate or cron rule);</li>
 * <li>anything else is the input EventBridge Scheduler (or a manual invoke) was configured with: the options
 * themselves.</li>
 * </ul>
 */
final class ScheduleEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    sealed interface Event permits Queue, Schedule {
    }

    record Queue(SqsEvent sqs) implements Event {
    }

    /** options is null when the schedule gave none. */
    record Schedule(JsonNode options) implements Event {
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
            String type = event.get("detail-type").asText();
            if (!"Scheduled Event".equals(type)) {
                throw new IllegalArgumentException("unsupported EventBridge event '" + type
                        + "': only 'Scheduled Event' is accepted");
            }
            return new Schedule(event.get("detail"));
        }
        return new Schedule(event);
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
