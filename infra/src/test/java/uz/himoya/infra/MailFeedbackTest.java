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

/**
 * SES bounces and complaints reach the mail-feedback function (issue 12, part 2): every function's mails name the
 * configuration set, whose event destination publishes to a topic, which delivers raw to the function's queue.
 * Offline, on the synthesized template.
 */
class MailFeedbackTest {

    private static SynthesizedStack stack;
    private static String configurationSetId;
    private static String topicId;
    private static String queueId;

    @BeforeAll
    static void synthesize() {
        stack = SynthesizedStack.defaults();
        configurationSetId = only(stack.resources("AWS::SES::ConfigurationSet"));
        topicId = stack.resources("AWS::SNS::Topic").entrySet().stream()
                .filter(t -> t.getValue().at("/Properties/TopicName").asText().equals("himoya-test-mail-feedback"))
                .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("no feedback topic"));
        queueId = stack.resources("AWS::SQS::Queue").entrySet().stream()
                .filter(q -> q.getValue().at("/Properties/QueueName").asText().equals("himoya-test-mail-feedback"))
                .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("no feedback queue"));
    }

    @Test
    void shouldNameTheConfigurationSet_inEveryFunctionThatMails() {
        // Arrange
        assertEquals("himoya-test-mail",
                stack.resource(configurationSetId).at("/Properties/Name").asText());

        for (JsonNode function : stack.himoyaFunctions().values()) {
            // Act: a reference, so the set exists before a function could name it (SES refuses an unknown set)
            JsonNode name = function.at("/Properties/Environment/Variables/HIMOYA_MAIL_SES_CONFIGURATION_SET");

            // Assert
            assertEquals(configurationSetId, target(name), function.at("/Properties/FunctionName").asText());
        }
    }

    @Test
    void shouldPublishBouncesAndComplaintsOnly_toTheFeedbackTopic() {
        // Act
        JsonNode destination = only(stack.resources("AWS::SES::ConfigurationSetEventDestination").values().stream()
                .toList());

        // Assert
        assertEquals(configurationSetId, target(destination.at("/Properties/ConfigurationSetName")));
        JsonNode event = destination.at("/Properties/EventDestination");
        assertTrue(event.path("Enabled").asBoolean(), event.toString());
        assertEquals(Set.of("bounce", "complaint"), Set.copyOf(texts(event.path("MatchingEventTypes"))));
        assertEquals(topicId, target(event.at("/SnsDestination/TopicARN")));
    }

    @Test
    void shouldLetOnlySesPublishAndOnlyTheTopicSend() {
        // Act: the topic's policy and the queue's
        List<JsonNode> publish = statements("AWS::SNS::TopicPolicy", topicId, "/Properties/Topics").stream()
                .filter(s -> s.path("Effect").asText().equals("Allow")).toList();
        List<JsonNode> send = statements("AWS::SQS::QueuePolicy", queueId, "/Properties/Queues").stream()
                .filter(s -> s.path("Effect").asText().equals("Allow")).toList();

        // Assert
        assertEquals(1, publish.size(), publish.toString());
        assertEquals("ses.amazonaws.com", publish.get(0).at("/Principal/Service").asText());
        assertTrue(publish.get(0).path("Action").toString().contains("sns:Publish"));
        assertEquals(1, send.size(), send.toString());
        assertEquals("sns.amazonaws.com", send.get(0).at("/Principal/Service").asText());
        assertEquals(topicId, target(send.get(0).at("/Condition/ArnEquals/aws:SourceArn")));
        // and the topic refuses plain HTTP, as the alarm topic does
        assertTrue(statements("AWS::SNS::TopicPolicy", topicId, "/Properties/Topics").stream()
                .anyMatch(s -> s.path("Effect").asText().equals("Deny")
                        && s.at("/Condition/Bool/aws:SecureTransport").asText().equals("false")));
    }

    @Test
    void shouldDeliverSesRecordsRaw_toTheQueueOfTheMailFeedbackFunction() {
        // Act
        JsonNode subscription = stack.resources("AWS::SNS::Subscription").values().stream()
                .filter(s -> topicId.equals(target(s.at("/Properties/TopicArn")))).findFirst().orElseThrow();
        JsonNode mapping = stack.resources("AWS::Lambda::EventSourceMapping").values().stream()
                .filter(m -> queueId.equals(target(m.at("/Properties/EventSourceArn")))).findFirst().orElseThrow();

        // Assert: raw, so the body is SES's record itself, as SesFeedbackEvent reads it (an envelope is refused)
        assertEquals("sqs", subscription.at("/Properties/Protocol").asText());
        assertTrue(subscription.at("/Properties/RawMessageDelivery").asBoolean(), subscription.toString());
        assertEquals(queueId, target(subscription.at("/Properties/Endpoint")));
        String function = stack.functionId("mail-feedback");
        assertTrue(referencedIds(mapping.at("/Properties/FunctionName")).contains(function)
                || referencedIds(mapping.at("/Properties/FunctionName")).contains(stack.aliasId(function, "live")),
                mapping.toString());
        assertEquals("mailFeedback", stack.resource(function)
                .at("/Properties/Environment/Variables/QUARKUS_FUNQY_EXPORT").asText());
    }

    private static List<JsonNode> statements(String type, String resourceId, String targets) {
        return stack.resources(type).values().stream()
                .filter(p -> referencedIds(p.at(targets)).contains(resourceId))
                .flatMap(p -> nodes(p.at("/Properties/PolicyDocument/Statement")).stream()).toList();
    }

    private static List<String> texts(JsonNode array) {
        return nodes(array).stream().map(JsonNode::asText).toList();
    }

    private static List<JsonNode> nodes(JsonNode array) {
        List<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static String only(Map<String, JsonNode> resources) {
        assertEquals(1, resources.size(), resources.keySet().toString());
        return resources.keySet().iterator().next();
    }

    private static JsonNode only(List<JsonNode> resources) {
        assertEquals(1, resources.size(), resources.toString());
        return resources.get(0);
    }
}
