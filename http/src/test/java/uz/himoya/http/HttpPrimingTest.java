package uz.himoya.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.snapstart.SnapStartPriming;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;

/**
 * The HTTP function's SnapStart hooks against the real servers: the primers (API Gateway events through
 * the Lambda handler, the intake's statements rolled back, mails rendered, SQS and SMTP paths against
 * stand-ins) store, send and queue nothing; after the restore hook an intake works as before.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
class HttpPrimingTest {
    static final String KEY = "Bearer demo-test-key";

    @Inject
    SnapStartPriming priming;

    @BeforeEach
    void reset() {
        Himoya.reset();
    }

    @Test
    void shouldLeaveNoTrace_whenPrimingBeforeTheSnapshot() {
        String himoya = Himoya.dumpHimoyaTables();

        priming.beforeCheckpoint(null);

        assertThat(priming.lastOutcome().failed()).as("primers that failed").isZero();
        assertThat(priming.lastOutcome().succeeded()).isGreaterThanOrEqualTo(7);
        assertThat(Himoya.dumpHimoyaTables()).isEqualTo(himoya);
        assertThat(Himoya.count("SELECT count(*) FROM intake_rate")).isZero();
        assertThat(SmtpResource.mail().getReceivedMessages()).isEmpty();
        assertThat(SqsResource.client().receiveMessage(b -> b.queueUrl(SqsResource.erasureUrl())
                .maxNumberOfMessages(10).waitTimeSeconds(0)).messages()).isEmpty();
    }

    @Test
    void shouldTakeAnIntake_whenRestoredAfterPriming() {
        priming.beforeCheckpoint(null);
        priming.afterRestore(null);

        given().header("Authorization", KEY).contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"1003\"},\"verified\":true}").post("/v1/deletion-requests").then()
                .statusCode(202);

        assertThat(Himoya.count("SELECT count(*) FROM deletion_request WHERE status = 'QUEUED'")).isEqualTo(1);
    }
}
