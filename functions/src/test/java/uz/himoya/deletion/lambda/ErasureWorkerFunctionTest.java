package uz.himoya.deletion.lambda;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import uz.himoya.crypto.Secrets;
import uz.himoya.deletion.DeletionService;
import uz.himoya.deletion.IntakeCommand;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;
import uz.himoya.testing.SystemTargetsResource;

/** The erasureWorker function through the Lambda mock event server, fed real SQS event JSON. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(SystemTargetsResource.class)
class ErasureWorkerFunctionTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    DeletionService intake;

    @BeforeEach
    void reset() {
        Himoya.reset();
    }

    private String fileAttestedRequest(String userId) {
        return intake.submit("demo", new IntakeCommand(Optional.of(userId), Optional.empty(), Optional.empty(), true,
                Optional.empty(), Secrets.sha256(userId))).view().id().toString();
    }

    @Test
    void shouldEraseSubject_whenRealSqsMessageArrivesAsLambdaEvent() throws Exception {
        // Arrange: the intake's SQS adapter puts a real message on ElasticMQ; receive it as Lambda's poller would
        String id = fileAttestedRequest("1005");
        List<Message> messages = SqsResource.client().receiveMessage(b -> b.queueUrl(SqsResource.erasureUrl())
                .maxNumberOfMessages(10).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        assertThat(messages).hasSize(1);

        // Act
        JsonPath out = invoke(event(messages));

        // Assert
        assertThat(out.getList("batchItemFailures")).isEmpty();
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request WHERE id = ?::uuid AND status = 'COMPLETED'",
                id)).isEqualTo(1);
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1005")).isZero();
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(1);
    }

    @Test
    void shouldReportOnlyPoisonMessage_whenBatchPartlyFails() throws Exception {
        String id = fileAttestedRequest("1002");
        String event = fixture().replace("${requestId}", id);

        JsonPath out = invoke(event);

        assertThat(out.getList("batchItemFailures.itemIdentifier"))
                .containsExactly("2e1424d4-f796-459a-8184-9c92662be6da");
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1002")).isZero();
    }

    @Test
    void shouldChangeNothingAndSendNothing_whenSameBatchIsDeliveredTwice() throws Exception {
        String id = fileAttestedRequest("1001");
        String event = fixture().replace("${requestId}", id);

        invoke(event);
        String receiptAfterFirst = receipt(id);
        invoke(event);

        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(1);
        assertThat(receipt(id)).isEqualTo(receiptAfterFirst);
        assertThat(Himoya.count("SELECT count(*) FROM audit_event WHERE event = 'erased'")).isEqualTo(1);
    }

    private static JsonPath invoke(String event) {
        return given().contentType(ContentType.JSON).body(event).post(uz.himoya.testing.MockLambda.url()).then().statusCode(200).extract()
                .jsonPath();
    }

    private static String receipt(String id) {
        return Himoya.count("SELECT count(*) FROM deletion_request WHERE id = ?::uuid AND receipt IS NOT NULL", id)
                + ":" + Himoya.count("SELECT version FROM deletion_request WHERE id = ?::uuid", id);
    }

    private static String fixture() throws Exception {
        try (InputStream in = ErasureWorkerFunctionTest.class.getResourceAsStream("/events/sqs-erasure.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The SQS event Lambda's event source mapping builds from received messages. */
    private static String event(List<Message> messages) throws Exception {
        List<Map<String, Object>> records = messages.stream().map(m -> Map.<String, Object>of(
                "messageId", m.messageId(), "receiptHandle", m.receiptHandle(), "body", m.body(),
                "attributes", m.attributesAsStrings(), "messageAttributes", Map.of(), "md5OfBody", m.md5OfBody(),
                "eventSource", "aws:sqs", "eventSourceARN", "arn:aws:sqs:eu-central-1:000000000000:erasure-jobs",
                "awsRegion", "eu-central-1")).toList();
        return JSON.writeValueAsString(Map.of("Records", records));
    }
}
