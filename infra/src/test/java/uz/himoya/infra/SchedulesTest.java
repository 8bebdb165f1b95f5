package uz.himoya.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uz.himoya.infra.SynthesizedStack.target;

import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class SchedulesTest {

    private static SynthesizedStack stack;
    private static Map<String, JsonNode> schedules;

    @BeforeAll
    static void synthesize() {
        stack = SynthesizedStack.defaults();
        schedules = stack.resources("AWS::Scheduler::Schedule");
    }

    @Test
    void shouldRunSweepDailyAndWatchdogHourly_whenStackIsSynthesized() {
        // Act
        Map<String, String> expressionByFunction = schedules.values().stream().collect(Collectors.toMap(
                s -> stack.resource(functionOf(s)).at("/Properties/FunctionName").asText(),
                s -> s.at("/Properties/ScheduleExpression").asText()));

        // Assert
        assertEquals(Map.of(
                "himoya-test-retention-sweep", "cron(0 3 * * ? *)",
                "himoya-test-deadline-watchdog", "rate(1 hour)"), expressionByFunction);
    }

    @Test
    void shouldRetryThenDeadLetter_whenScheduledInvocationFails() {
        for (JsonNode schedule : schedules.values()) {
            // Act
            JsonNode target = schedule.at("/Properties/Target");

            // Assert
            assertEquals(3, target.at("/RetryPolicy/MaximumRetryAttempts").asInt());
            assertEquals(3600, target.at("/RetryPolicy/MaximumEventAgeInSeconds").asInt());
            JsonNode deadLetters = stack.resource(target(target.at("/DeadLetterConfig/Arn")));
            assertEquals("AWS::SQS::Queue", deadLetters.path("Type").asText());
        }
        long distinctDeadLetterQueues = schedules.values().stream()
                .map(s -> target(s.at("/Properties/Target/DeadLetterConfig/Arn"))).distinct().count();
        assertEquals(2, distinctDeadLetterQueues, "each schedule has its own dead-letter queue");
    }

    @Test
    void shouldInvokeTheLiveAlias_whenScheduleFires() {
        for (JsonNode schedule : schedules.values()) {
            // Act
            JsonNode targetResource = stack.resource(target(schedule.at("/Properties/Target/Arn")));

            // Assert
            assertEquals("AWS::Lambda::Alias", targetResource.path("Type").asText());
            assertEquals("live", targetResource.at("/Properties/Name").asText());
            assertTrue(schedule.at("/Properties/Target/RoleArn").isObject(), "the schedule has a role to invoke with");
        }
    }

    private String functionOf(JsonNode schedule) {
        JsonNode alias = stack.resource(target(schedule.at("/Properties/Target/Arn")));
        return target(alias.at("/Properties/FunctionName"));
    }
}
