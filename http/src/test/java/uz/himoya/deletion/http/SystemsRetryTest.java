package uz.himoya.deletion.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static uz.himoya.deletion.http.SystemsFlowTest.KEY;
import static uz.himoya.deletion.http.SystemsFlowTest.OPS;
import static uz.himoya.deletion.http.SystemsFlowTest.callback;
import static uz.himoya.deletion.http.SystemsFlowTest.callbackBody;
import static uz.himoya.deletion.http.SystemsFlowTest.file;
import static uz.himoya.deletion.http.SystemsFlowTest.state;
import static uz.himoya.deletion.http.SystemsFlowTest.steps;
import static uz.himoya.deletion.http.SystemsFlowTest.view;
import static uz.himoya.testing.SystemTargets.accept;
import static uz.himoya.testing.SystemTargets.received;
import static uz.himoya.testing.SystemTargets.script;
import static uz.himoya.testing.SystemTargets.secret;
import static uz.himoya.testing.SystemTargets.status;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.deletion.DeletionWorker;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;
import uz.himoya.testing.SystemTargets;
import uz.himoya.testing.SystemTargetsResource;
import uz.himoya.testing.TestClock;
import uz.himoya.webhook.WebhookSignature;

/**
 * Issue 11, part 7: Himoya does not try a webhook system forever, and ops drive a failed one again. The map
 * (privacy-maps/demo-hooks.yaml) gives beta maxAttempts 3, gamma maxAttempts 2 and a one-hour callback
 * window; every system is a real local HTTP server (SystemTargets), the re-drive goes through the real HTTP
 * route with the ops key, the worker's retries through SQS (ElasticMQ) and PostgreSQL.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
@QuarkusTestResource(SystemTargetsResource.class)
class SystemsRetryTest {
    static final String CANARY = "zqxcanary7731";

    @Inject
    DeletionWorker worker;
    @Inject
    TestClock clock;

    @BeforeEach
    void reset() {
        Himoya.reset();
        clock.reset();
    }

    @Test
    void shouldFailWithTheLastCode_whenATargetAnswers500UntilTheCap_andCompleteOnceReDriven() {
        // Arrange: beta always answers 500 (for as long as this test asks it)
        script("hooks-beta", status(500), status(500), status(500), status(500));
        String id = file("1002");
        UUID uuid = UUID.fromString(id);

        // Act: the first pass, then each retry once it is due
        Himoya.drain(worker::processBatch);
        clock.advance(Duration.ofMinutes(1));
        worker.process(uuid);
        assertThat(steps(id)).contains("system:beta:PENDING:webhook-500");
        clock.advance(Duration.ofMinutes(2));
        worker.process(uuid);

        // Assert: the third 500 was the last attempt; the request fails honestly, as on a 4xx
        assertThat(received("hooks-beta")).hasSize(3);
        assertThat(steps(id)).contains("system:beta:FAILED:webhook-500", "system:alpha:DONE:", "shop:DONE:");
        JsonPath v = view(id);
        assertThat(v.getString("status")).isEqualTo("FAILED");
        assertThat(v.getString("error")).isEqualTo("system:beta:webhook-500");
        assertThat(Himoya.count("SELECT count(*) FROM audit_event WHERE event = 'system-failed' AND detail ="
                + " 'system=beta code=webhook-500 gave-up attempts=3'")).isEqualTo(1);
        // nothing more goes out, whatever message comes
        clock.advance(Duration.ofHours(1));
        worker.process(uuid);
        assertThat(received("hooks-beta")).hasSize(3);
        // the watchdog lists it as failed before its due date
        clock.advance(Duration.ofDays(12));
        assertThat(given().header("Authorization", OPS).get("/v1/ops/deadlines?app=demo-hooks").then()
                .statusCode(200).extract().jsonPath().getList("apps[0].items.findAll { it.kind == 'deletion' }.note"))
                .containsExactly("failed");

        // Act 2: beta is fixed (answers 200 again); ops drive it again through the route
        SystemTargets.reset();
        Response retried = ops().body("{}").post(path(id, "beta"));
        Himoya.drain(worker::processBatch);

        // Assert 2: the same job went out again, and the request completed with beta on the receipt
        assertThat(retried.statusCode()).isEqualTo(202);
        assertThat(retried.jsonPath().getString("status")).isEqualTo("PENDING");
        assertThat(retried.jsonPath().getString("requestStatus")).isEqualTo("IN_PROGRESS");
        assertThat(received("hooks-beta")).singleElement()
                .satisfies(r -> assertThat(r.json().path("requestId").asText()).isEqualTo(id));
        JsonPath done = view(id);
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        assertThat(done.getString("error")).isNull();
        assertThat(done.getList("receipt.systems.system")).containsExactly("alpha", "beta", "gamma", "delta");
        assertThat(Himoya.count("SELECT count(*) FROM audit_event WHERE event = 'system-redriven' AND detail ="
                + " 'system=beta code=webhook-500 attempts=3'")).isEqualTo(1);
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request WHERE subject_key IS NOT NULL")).isZero();
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(1); // the confirmation, once

        // and a second re-drive of the now DONE part is refused, changing nothing
        String before = state();
        Response again = ops().body("{}").post(path(id, "beta"));
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.contentType()).startsWith("application/problem+json");
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void shouldSendTheSameJobAgainAfterTheCallbackWindow_andFailWithCallbackTimeout_whenNoCallbackComes() {
        // Arrange: gamma takes every job for later, and never calls back
        script("hooks-gamma", accept(), accept(), accept());
        String id = file("1003");
        UUID uuid = UUID.fromString(id);
        Himoya.drain(worker::processBatch);
        assertThat(steps(id)).contains("system:gamma:WAITING:");

        // Act 1: within the window nothing is sent again; after it, the same job is
        clock.advance(Duration.ofMinutes(59));
        worker.process(uuid);
        assertThat(received("hooks-gamma")).hasSize(1);
        clock.advance(Duration.ofMinutes(2));
        worker.process(uuid);

        // Assert 1: the same job (same request id and body), newly signed; waiting again
        List<SystemTargets.Received> jobs = received("hooks-gamma");
        assertThat(jobs).hasSize(2);
        assertThat(jobs.get(1).body()).isEqualTo(jobs.get(0).body());
        WebhookSignature.verify(secret("hooks-gamma"), jobs.get(1).signature(), jobs.get(1).body(), clock.instant());
        assertThat(steps(id)).contains("system:gamma:WAITING:");
        assertThat(view(id).getString("status")).isEqualTo("IN_PROGRESS");

        // Act 2: the second window ends too; maxAttempts 2 are spent
        clock.advance(Duration.ofMinutes(61));
        worker.process(uuid);

        // Assert 2
        assertThat(received("hooks-gamma")).hasSize(2);
        assertThat(steps(id)).contains("system:gamma:FAILED:callback-timeout");
        assertThat(view(id).getString("status")).isEqualTo("FAILED");
        assertThat(view(id).getString("error")).isEqualTo("system:gamma:callback-timeout");
        assertThat(SmtpResource.mail().getReceivedMessages()).isEmpty();

        // Act 3: gamma's callback comes after all: its word is taken, and the request runs on
        byte[] done = callbackBody(id, 3, "contact.email");
        Response late = callback(id, "gamma", WebhookSignature.sign(secret("hooks-gamma"), done, clock.instant()),
                done);
        Himoya.drain(worker::processBatch);

        // Assert 3
        assertThat(late.statusCode()).isEqualTo(200);
        assertThat(late.jsonPath().getString("status")).isEqualTo("DONE");
        JsonPath v = view(id);
        assertThat(v.getString("status")).isEqualTo("COMPLETED");
        assertThat(v.getInt("receipt.systems.find { it.system == 'gamma' }.rows")).isEqualTo(3);
    }

    @Test
    void shouldCompleteTheRequest_whenOpsReDriveASystemThatNeverCalledBack() {
        // Arrange: gamma never calls back and is given up on
        script("hooks-gamma", accept(), accept());
        String id = file("1004");
        UUID uuid = UUID.fromString(id);
        Himoya.drain(worker::processBatch);
        clock.advance(Duration.ofMinutes(61));
        worker.process(uuid);
        clock.advance(Duration.ofMinutes(61));
        worker.process(uuid);
        assertThat(view(id).getString("error")).isEqualTo("system:gamma:callback-timeout");

        // Act: gamma is fixed (answers 200 now); ops drive it again
        Response retried = ops().body("{}").post(path(id, "gamma"));
        Himoya.drain(worker::processBatch);

        // Assert
        assertThat(retried.statusCode()).isEqualTo(202);
        assertThat(received("hooks-gamma")).hasSize(3);
        assertThat(view(id).getString("status")).isEqualTo("COMPLETED");
    }

    @Test
    void shouldStayFailed_whileAnotherSystemStillNeedsAPerson() {
        // Arrange: beta and alpha both refuse
        script("hooks-alpha", status(404));
        script("hooks-beta", status(410));
        String id = file("1005");
        Himoya.drain(worker::processBatch);
        assertThat(steps(id)).contains("system:alpha:FAILED:webhook-404", "system:beta:FAILED:webhook-410");

        // Act 1: alpha is driven again; beta still failed
        Response first = ops().body("{}").post(path(id, "alpha"));

        // Assert 1: the request stays FAILED, now for beta; nothing was sent
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(first.jsonPath().getString("requestStatus")).isEqualTo("FAILED");
        assertThat(view(id).getString("error")).isEqualTo("system:beta:webhook-410");
        Himoya.drain(worker::processBatch);
        assertThat(received("hooks-alpha")).hasSize(1);

        // Act 2: beta too
        Response second = ops().body("{}").post(path(id, "beta"));
        Himoya.drain(worker::processBatch);

        // Assert 2
        assertThat(second.jsonPath().getString("requestStatus")).isEqualTo("IN_PROGRESS");
        assertThat(received("hooks-alpha")).hasSize(2);
        assertThat(received("hooks-beta")).hasSize(2);
        assertThat(view(id).getString("status")).isEqualTo("COMPLETED");
    }

    @Test
    void shouldRefuseWithProblemJsonAndChangeNothing_whenTheReDriveIsWrong() {
        // Arrange: a request whose beta FAILED, and one (another app's) still running
        script("hooks-beta", status(404));
        script("hooks-gamma", accept());
        String id = file("1006");
        Himoya.drain(worker::processBatch);
        String before = state();
        String unknown = UUID.randomUUID().toString();

        // Act
        List<Response> refused = List.of(
                ops().post(path(id, "beta")), // no body
                ops().body("").post(path(id, "beta")),
                ops().body("[]").post(path(id, "beta")),
                ops().body("{\"reason\":\"" + CANARY + "\"}").post(path(id, "beta")),
                ops().body("{\"" + CANARY + "\":1}").post(path(id, "beta")),
                ops().body("{}").post(path(CANARY, "beta")), // junk id
                ops().body("{}").post(path(id + "x", "beta")),
                ops().body("{}").post(path(unknown, "beta")),
                ops().body("{}").post(path(id, CANARY)), // unknown system
                ops().body("{}").post(path(id, "search")), // takes no erasures: no part
                ops().body("{}").post(path(id, "gamma")), // WAITING, not FAILED
                ops().body("{}").post(path(id, "alpha")), // DONE
                ops().body("{}").post(path(id, "shop")), // a store, not a system
                given().header("Authorization", KEY).contentType(ContentType.JSON).body("{}")
                        .post(path(id, "beta")), // an app key
                given().header("Authorization", "Bearer " + CANARY).contentType(ContentType.JSON).body("{}")
                        .post(path(id, "beta")),
                given().contentType(ContentType.JSON).body("{}").post(path(id, "beta")));

        // Assert
        assertThat(refused).extracting(Response::statusCode).containsExactly(400, 400, 400, 422, 422, 404, 404,
                404, 404, 404, 409, 409, 404, 401, 401, 401);
        assertThat(refused).allSatisfy(r -> {
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.asString()).doesNotContain(CANARY).doesNotContain(id).doesNotContain(unknown);
        });
        assertThat(state()).isEqualTo(before);
        assertThat(view(id).getString("status")).isEqualTo("FAILED");
        assertThat(steps(id)).contains("system:beta:FAILED:webhook-404", "system:gamma:WAITING:");
        assertThat(received("hooks-beta")).hasSize(1);
    }

    /** A request with the ops key and a JSON content type; the test adds the body (or none). */
    private static RequestSpecification ops() {
        return given().header("Authorization", OPS).contentType(ContentType.JSON);
    }

    private static String path(String id, String system) {
        return "/v1/ops/deletion-requests/" + id + "/systems/" + system + "/retry";
    }
}
