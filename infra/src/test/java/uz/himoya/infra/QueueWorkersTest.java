package uz.himoya.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static uz.himoya.infra.SynthesizedStack.referencedIds;
import static uz.himoya.infra.SynthesizedStack.target;

import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

class QueueWorkersTest {

    private static SynthesizedStack stack;
    private static Map<String, JsonNode> mappings;

    @BeforeAll
    static void synthesize() {
        stack = SynthesizedStack.defaults();
        mappings = stack.resources("AWS::Lambda::EventSourceMapping");
    }

    @Test
    void shouldFeedEachWorkerFromItsOwnQueue_whenStackIsSynthesized() {
        // Act
        Map<String, String> queueToFunction = mappings.values().stream().collect(Collectors.toMap(
                m -> queueOf(m).at("/Properties/QueueName").asText(),
                m -> stack.resource(functionIdOf(m)).at("/Properties/FunctionName").asText()));

        // Assert
        assertEquals(Map.of(
                "himoya-test-erasure-jobs", "himoya-test-erasure-worker",
                "himoya-test-breach-notices", "himoya-test-breach-notifier",
                "himoya-test-retention-continuations", "himoya-test-retention-sweep",
                "himoya-test-mail-feedback", "himoya-test-mail-feedback"), queueToFunction);
    }

    @Test
    void shouldRedriveToADeadLetterQueueAfterFiveReceives_whenQueueTriggersAFunction() {
        for (JsonNode mapping : mappings.values()) {
            // Act
            JsonNode redrive = queueOf(mapping).at("/Properties/RedrivePolicy");

            // Assert
            assertTrue(redrive.path("maxReceiveCount").asInt() >= 5, redrive.toString());
            JsonNode deadLetters = stack.resource(target(redrive.get("deadLetterTargetArn")));
            assertEquals("AWS::SQS::Queue", deadLetters.path("Type").asText());
            assertEquals(14 * 24 * 3600, deadLetters.at("/Properties/MessageRetentionPeriod").asInt());
        }
    }

    @Test
    void shouldKeepMessagesInvisibleForSixFunctionTimeouts_whenQueueTriggersAFunction() {
        for (JsonNode mapping : mappings.values()) {
            // Arrange
            int functionTimeout = stack.resource(functionIdOf(mapping)).at("/Properties/Timeout").asInt();

            // Act
            int visibilityTimeout = queueOf(mapping).at("/Properties/VisibilityTimeout").asInt();

            // Assert
            assertTrue(functionTimeout > 0, "function timeout is set");
            assertTrue(visibilityTimeout >= 6 * functionTimeout,
                    "visibility " + visibilityTimeout + " s < 6 x timeout " + functionTimeout + " s");
        }
    }

    @Test
    void shouldReportBatchItemFailuresWithCappedConcurrency_whenQueueTriggersAFunction() {
        for (JsonNode mapping : mappings.values()) {
            // Act
            JsonNode props = mapping.get("Properties");

            // Assert
            assertEquals("ReportBatchItemFailures", props.at("/FunctionResponseTypes/0").asText());
            assertEquals(5, props.at("/ScalingConfig/MaximumConcurrency").asInt());
            // The breach notifier takes one message per invocation, sized to its timeout (BreachFanOutTest).
            boolean notifier = stack.resource(functionIdOf(mapping)).at("/Properties/FunctionName").asText()
                    .endsWith("-breach-notifier");
            assertEquals(notifier ? 1 : 10, props.path("BatchSize").asInt());
        }
    }

    @Test
    void shouldInvokeTheLiveAliasNotLatest_whenQueueTriggersAFunction() {
        for (JsonNode mapping : mappings.values()) {
            // Act
            String aliasId = aliasIdOf(mapping);

            // Assert
            assertEquals("live", stack.resource(aliasId).at("/Properties/Name").asText());
            assertTrue(mapping.at("/Properties/FunctionName").toString().contains(":live"),
                    "the mapping names the function with its :live qualifier");
        }
    }

    @Test
    void shouldEncryptEveryQueue_whenStackIsSynthesized() {
        stack.resources("AWS::SQS::Queue").forEach((id, queue) ->
                assertTrue(queue.at("/Properties/SqsManagedSseEnabled").asBoolean(), id + " is encrypted"));
    }

    private JsonNode queueOf(JsonNode mapping) {
        return stack.resource(target(mapping.at("/Properties/EventSourceArn")));
    }

    private String aliasIdOf(JsonNode mapping) {
        return referencedIds(mapping.at("/Properties/FunctionName")).stream()
                .filter(id -> "AWS::Lambda::Alias".equals(stack.resource(id).path("Type").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("mapping does not target an alias: " + mapping));
    }

    private String functionIdOf(JsonNode mapping) {
        return target(stack.resource(aliasIdOf(mapping)).at("/Properties/FunctionName"));
    }
}
