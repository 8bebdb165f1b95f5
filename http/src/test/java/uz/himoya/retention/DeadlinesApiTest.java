package uz.himoya.retention;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;
import uz.himoya.testing.TestClock;

/** The deadline watchdog's view (GET /v1/ops/deadlines) and its run on demand (POST /v1/ops/watchdog). */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
class DeadlinesApiTest {
    static final String OPS = "Bearer ops-test-key";

    @Inject
    TestClock clock;

    @BeforeEach
    void reset() {
        Himoya.reset();
        clock.reset();
    }

    @AfterEach
    void cleanUp() {
        clock.reset();
    }

    @Test
    void shouldShowRequestNearItsDueDateAndMailTheDigest_whenOpsAsk() throws Exception {
        // Arrange: a request of demo that nobody erased, 12 of its 14 days gone
        String id = given().header("Authorization", "Bearer demo-test-key").contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"1002\"},\"verified\":true}").post("/v1/deletion-requests").then()
                .statusCode(202).extract().path("id");
        given().header("Authorization", OPS).get("/v1/ops/deadlines").then().statusCode(200).body("apps", hasSize(0));
        clock.advance(Duration.ofDays(12));

        // Act + Assert: the view
        given().header("Authorization", OPS).get("/v1/ops/deadlines").then().statusCode(200)
                .body("warningDays", equalTo(3)).body("apps", hasSize(1)).body("apps[0].appId", equalTo("demo"))
                .body("apps[0].dueSoon", equalTo(1)).body("apps[0].overdue", equalTo(0))
                .body("apps[0].items[0].reference", equalTo(id)).body("apps[0].items[0].kind", equalTo("deletion"))
                .body("apps[0].items[0].status", equalTo("QUEUED"));
        given().header("Authorization", OPS).get("/v1/ops/deadlines?app=demo-kg").then().statusCode(200)
                .body("apps", hasSize(0));

        // Act + Assert: the run on demand mails the contact once
        given().header("Authorization", OPS).contentType(ContentType.JSON).body("{\"app\":\"demo\"}")
                .post("/v1/ops/watchdog").then().statusCode(200).body("digestsSent", equalTo(java.util.List.of("demo")));
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(1);
        assertThat(SmtpResource.mail().getReceivedMessages()[0].getAllRecipients()[0].toString())
                .isEqualTo("privacy@demo.example");
    }

    @Test
    void shouldAnswerProblem_whenCallIsBad() {
        given().get("/v1/ops/deadlines").then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", "Bearer demo-test-key").get("/v1/ops/deadlines").then().statusCode(401);
        given().header("Authorization", OPS).get("/v1/ops/deadlines?app=nope").then().statusCode(422)
                .contentType("application/problem+json").body(containsString("is not an app this deployment serves"));
        given().header("Authorization", OPS).contentType(ContentType.JSON).body("{\"ap\":\"demo\"}")
                .post("/v1/ops/watchdog").then().statusCode(422).body(containsString("ap"));
        assertThat(SmtpResource.mail().getReceivedMessages()).isEmpty();
    }
}
