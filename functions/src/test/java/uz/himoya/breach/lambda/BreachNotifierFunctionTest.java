package uz.himoya.breach.lambda;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import uz.himoya.breach.BreachCommand;
import uz.himoya.breach.BreachService;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;

/** The breachNotifier function through the Lambda mock event server, fed the real SQS messages of a fan-out. */
@QuarkusTest
@TestProfile(BreachNotifierFunctionTest.ExportNotifier.class)
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
class BreachNotifierFunctionTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Deploys this artifact as the notifier, as QUARKUS_FUNQY_EXPORT=breachNotifier does in AWS.
     */
    public static class ExportNotifier implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.funqy.export", "breachNotifier", "himoya.breach.batch-size", "2");
        }
    }

    @Inject
    BreachService breaches;

    @Inject
    uz.himoya.snapstart.SnapStartPriming priming;

    @BeforeEach
    void reset() {
        Himoya.reset();
    }

    @Test
    void shouldSendEachNoticeExactlyOnce_whenTheSameBatchArrivesTwice() throws Exception {
        // Arrange: every demo user affected; batch size 2 fans out into 3 messages of 2 notices
        registerForEveryone(Instant.now());
        List<Message> messages = receiveAll();
        assertThat(messages).hasSize(3);
        String event = event(messages);

        // Act: the same event twice, as a redelivery would bring it
        JsonPath first = invoke(event);
        JsonPath second = invoke(event);

        // Assert
        assertThat(first.getList("batchItemFailures")).isEmpty();
        assertThat(second.getList("batchItemFailures")).isEmpty();
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(6);
        assertThat(Himoya.count("SELECT count(*) FROM breach_notice WHERE status = 'SENT' AND address IS NULL"
                + " AND sealed_address IS NULL"))
                .isEqualTo(6);
    }

    @Test
    void shouldLeaveAnIncidentAsItWas_whenPrimingBeforeTheSnapshot() throws Exception {
        // Arrange: an incident with pending notices and its fan-out still on the queue
        registerForEveryone(Instant.now());
        String before = Himoya.dumpHimoyaTables();

        // Act: the notifier's primers, its SQS event for an incident that does not exist included
        priming.beforeCheckpoint(null);

        // Assert: nothing sent, claimed or queued; the fan-out is intact
        assertThat(priming.lastOutcome().failed()).isZero();
        assertThat(Himoya.dumpHimoyaTables()).isEqualTo(before);
        assertThat(SmtpResource.mail().getReceivedMessages()).isEmpty();
        assertThat(receiveAll()).hasSize(3);
    }

    /** An incident affecting every demo user: with batch size 2 it fans out into 3 messages. */
    private void registerForEveryone(Instant now) {
        registerForEveryone(breaches, now);
    }

    /** The same, for the other notifier tests of this package. */
    static UUID registerForEveryone(BreachService breaches, Instant now) {
        return breaches.register(new BreachCommand("demo", "Test incident", now, now.minus(Duration.ofDays(1)), now,
                List.of("contact.email"), Map.of("uz", new BreachCommand.NoticeContent("n", "c", "m",
                        "security@market.example")), new BreachCommand.All())).id();
    }

    @Test
    void shouldReportOnlyThePoisonMessage_whenBatchHasOne() throws Exception {
        Instant now = Instant.now();
        breaches.register(new BreachCommand("demo", "Test incident", now, now.minus(Duration.ofDays(1)), now,
                List.of("contact.email"), Map.of("uz", new BreachCommand.NoticeContent("n", "c", "m", "x@y.example")),
                new BreachCommand.Subjects(List.of("1001"), false)));
        List<Message> messages = receiveAll();
        String event = event(messages).replace("\"Records\":[", "\"Records\":[{\"messageId\":\"poison-1\","
                + "\"receiptHandle\":\"r\",\"body\":\"{}\",\"eventSource\":\"aws:sqs\"},");

        JsonPath out = invoke(event);

        assertThat(out.getList("batchItemFailures.itemIdentifier")).containsExactly("poison-1");
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(1);
    }

    static List<Message> receiveAll() {
        List<Message> all = new ArrayList<>();
        for (List<Message> got; !(got = SqsResource.client().receiveMessage(b -> b.queueUrl(SqsResource.breachUrl())
                .maxNumberOfMessages(10).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages())
                .isEmpty();) {
            all.addAll(got);
        }
        return all;
    }

    static JsonPath invoke(String event) {
        return given().contentType(ContentType.JSON).body(event).post(uz.himoya.testing.MockLambda.url()).then().statusCode(200).extract()
                .jsonPath();
    }

    static String event(List<Message> messages) throws Exception {
        List<Map<String, Object>> records = messages.stream().map(m -> Map.<String, Object>of("messageId",
                m.messageId(), "receiptHandle", m.receiptHandle(), "body", m.body(), "attributes",
                m.attributesAsStrings(), "messageAttributes", Map.of(), "md5OfBody", m.md5OfBody(), "eventSource",
                "aws:sqs", "eventSourceARN", "arn:aws:sqs:eu-central-1:000000000000:breach-notices", "awsRegion",
                "eu-central-1")).toList();
        return JSON.writeValueAsString(Map.of("Records", records));
    }
}
