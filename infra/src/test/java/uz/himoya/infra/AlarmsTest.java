package uz.himoya.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uz.himoya.infra.SynthesizedStack.referencedIds;
import static uz.himoya.infra.SynthesizedStack.target;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class AlarmsTest {

    private static SynthesizedStack stack;
    private static Map<String, JsonNode> alarms;

    @BeforeAll
    static void synthesize() {
        stack = SynthesizedStack.defaults();
        alarms = stack.resources("AWS::CloudWatch::Alarm");
    }

    @Test
    void shouldAlarmOnTheFirstMessage_whenQueueIsADeadLetterQueue() {
        // Arrange: four worker queues and two schedules, each with its own dead-letter queue
        Set<String> deadLetterQueues = stack.deadLetterQueueIds();
        assertEquals(6, deadLetterQueues.size());

        for (String deadLetterId : deadLetterQueues) {
            // Act
            boolean alarmed = alarms.values().stream().map(a -> a.get("Properties")).anyMatch(a ->
                    "AWS/SQS".equals(a.path("Namespace").asText())
                            && "ApproximateNumberOfMessagesVisible".equals(a.path("MetricName").asText())
                            && a.path("Threshold").asDouble() == 1
                            && "GreaterThanOrEqualToThreshold".equals(a.path("ComparisonOperator").asText())
                            && referencedIds(a.path("Dimensions")).contains(deadLetterId));

            // Assert
            assertTrue(alarmed, "an alarm watches " + deadLetterId);
        }
    }

    @Test
    void shouldNotifyTheAlarmTopic_whenAnyAlarmFires() {
        // Arrange
        String topicId = stack.resources("AWS::SNS::Topic").entrySet().stream()
                .filter(t -> t.getValue().at("/Properties/TopicName").asText().endsWith("-alarms")).findFirst()
                .orElseThrow().getKey();

        alarms.forEach((id, alarm) -> {
            // Act
            JsonNode actions = alarm.at("/Properties/AlarmActions");

            // Assert
            assertEquals(1, actions.size(), id);
            assertEquals(topicId, target(actions.get(0)), id);
        });
        // 7 functions (the migration function too) x (errors + throttles + row guard) + 6 dead-letter queues
        assertEquals(27, alarms.size());
    }

    @Test
    void shouldAlarmOnTheFirstRowGuardLine_whenAnyFunctionLogsOne() {
        // Arrange
        Map<String, JsonNode> logGroups = stack.resources("AWS::Logs::LogGroup");
        Map<String, JsonNode> filters = stack.resources("AWS::Logs::MetricFilter");
        assertEquals(7, logGroups.size());

        for (Map.Entry<String, JsonNode> group : logGroups.entrySet()) {
            String function = group.getValue().at("/Properties/LogGroupName").asText().replace("/aws/lambda/", "");

            // Act
            JsonNode filter = filters.values().stream().map(f -> f.get("Properties"))
                    .filter(f -> group.getKey().equals(target(f.get("LogGroupName")))).findFirst().orElseThrow();
            JsonNode alarm = alarms.values().stream().map(a -> a.get("Properties"))
                    .filter(a -> (function + "-row-guard").equals(a.path("AlarmName").asText())).findFirst()
                    .orElseThrow();

            // Assert: the filter counts alert=row-guard lines, the alarm fires on the first one
            assertTrue(filter.path("FilterPattern").asText().contains("alert=row-guard"), function);
            JsonNode transformation = filter.at("/MetricTransformations/0");
            assertEquals("Himoya/RowGuard", transformation.path("MetricNamespace").asText(), function);
            assertEquals(function, transformation.path("MetricName").asText());
            assertEquals(function, alarm.path("MetricName").asText());
            assertEquals("Himoya/RowGuard", alarm.path("Namespace").asText());
            assertEquals(1, alarm.path("Threshold").asDouble(), function);
            assertEquals("GreaterThanOrEqualToThreshold", alarm.path("ComparisonOperator").asText(), function);
        }
    }

    @Test
    void shouldNameAlarmsAsTheReadmeDescribes_whenStackIsSynthesized() {
        // Act
        Set<String> names = new java.util.TreeSet<>();
        alarms.values().forEach(a -> names.add(a.at("/Properties/AlarmName").asText()));

        // Assert
        assertTrue(names.containsAll(Set.of("himoya-test-http-api-errors", "himoya-test-http-api-throttles",
                "himoya-test-erasure-jobs-dlq-not-empty", "himoya-test-deadline-watchdog-schedule-dlq-not-empty")),
                names.toString());
    }

    @Test
    void shouldSubscribeNobody_whenNoAlarmEmailIsGiven() {
        // Assert
        // The only subscription is the mail feedback queue's, on the SES events topic (MailFeedbackTest).
        assertEquals(List.of("sqs"), stack.resources("AWS::SNS::Subscription").values().stream()
                .map(s -> s.at("/Properties/Protocol").asText()).toList());
        assertTrue(stack.resources("AWS::SNS::Topic").values().stream()
                .anyMatch(t -> t.at("/Properties/TopicName").asText().equals("himoya-test-alarms")));
    }
}
