package uz.himoya.lambda;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import uz.himoya.crypto.Secrets;
import uz.himoya.deletion.DeletionService;
import uz.himoya.deletion.IntakeCommand;
import uz.himoya.snapstart.Primer;
import uz.himoya.snapstart.SnapStartPriming;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;

/**
 * The SnapStart hooks of the event functions (exported here: erasureWorker), against the real database,
 * SMTP and SQS servers: priming leaves no trace, a failing primer does not stop the snapshot, and after
 * the restore hook the function does real work on fresh connections.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
class SnapStartPrimingTest {

    @Inject
    SnapStartPriming priming;

    @Inject
    DeletionService intake;

    @Inject
    @Any
    Instance<Primer> primers;

    @BeforeEach
    void reset() {
        Himoya.reset();
        TestPrimers.FAIL.set(false);
    }

    @AfterEach
    void failNoMore() {
        TestPrimers.FAIL.set(false);
    }

    @Test
    void shouldLeaveNoTrace_whenPrimingBeforeTheSnapshot() throws Exception {
        // Arrange: an open request, so there is something the primers could wrongly touch
        String id = file("1002");
        Himoya.drain(SqsResource.erasureUrl(), batch -> List.of()); // the intake's message, out of the way
        String himoya = Himoya.dumpHimoyaTables();
        long users = DemoStore.count("SELECT count(*) FROM demo_app.users");
        long logs = DemoStore.count("SELECT count(*) FROM demo_app.access_logs");
        int mails = SmtpResource.mail().getReceivedMessages().length;

        // Act
        priming.beforeCheckpoint(null);

        // Assert: no row, mail or queue message came or went
        assertThat(priming.lastOutcome().failed()).as("primers that failed").isZero();
        assertThat(priming.lastOutcome().succeeded()).isGreaterThanOrEqualTo(7);
        assertThat(Himoya.dumpHimoyaTables()).isEqualTo(himoya);
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users")).isEqualTo(users);
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.access_logs")).isEqualTo(logs);
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(mails);
        assertThat(receiveAll(SqsResource.erasureUrl())).isEmpty();
        assertThat(receiveAll(SqsResource.breachUrl())).isEmpty();
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request WHERE id = ?::uuid AND status = 'QUEUED'", id))
                .isEqualTo(1);
    }

    @Test
    void shouldPrimeTheSqsClient_whenTheAwsModuleIsDeployedWithTheFunction() {
        // The SQS primer is the aws module's bean (uz.himoya.aws.sqs.SqsPrimer), found through its index.
        assertThat(primers.stream().map(Primer::name)).contains("sqs", "db", "mails", "crypto", "smtp");
    }

    @Test
    void shouldWorkOnFreshConnections_whenRestoredAfterPriming() throws Exception {
        priming.beforeCheckpoint(null);
        priming.afterRestore(null);
        String id = file("1005");

        given().contentType(ContentType.JSON).body(event(id)).post(uz.himoya.testing.MockLambda.url()).then()
                .statusCode(200);

        assertThat(Himoya.count("SELECT count(*) FROM deletion_request WHERE id = ?::uuid AND status = 'COMPLETED'",
                id)).isEqualTo(1);
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1005")).isZero();
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(1);
    }

    @Test
    void shouldRunTheOtherPrimers_whenOneFails() {
        TestPrimers.FAIL.set(true);
        int before = TestPrimers.RUNS.get();

        assertThatCode(() -> priming.beforeCheckpoint(null)).doesNotThrowAnyException();

        assertThat(TestPrimers.RUNS.get()).isEqualTo(before + 1);
        assertThat(priming.lastOutcome().failed()).isEqualTo(1);
    }

    private String file(String userId) {
        return intake.submit("demo", new IntakeCommand(Optional.of(userId), Optional.empty(), Optional.empty(), true,
                Optional.empty(), Secrets.sha256(userId))).view().id().toString();
    }

    private static List<Message> receiveAll(String queueUrl) {
        return SqsResource.client().receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                .waitTimeSeconds(0)).messages();
    }

    private static String event(String requestId) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Map.of("Records", List.of(Map.of(
                "messageId", "m-" + requestId, "receiptHandle", "r", "body", "{\"requestId\":\"" + requestId + "\"}",
                "attributes", Map.of("ApproximateReceiveCount", "1"), "messageAttributes", Map.of(),
                "eventSource", "aws:sqs", "eventSourceARN", "arn:aws:sqs:eu-central-1:000000000000:erasure-jobs",
                "awsRegion", "eu-central-1"))));
    }
}
