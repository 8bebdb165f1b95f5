package uz.himoya.retention;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uz.himoya.deletion.DeletionWorker;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;

/** Legal holds over HTTP (ops key), and what a hold does to an erasure. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
class HoldApiTest {
    static final String OPS = "Bearer ops-test-key";
    static final String APP_KEY = "Bearer demo-test-key";

    @Inject
    DeletionWorker worker;

    @BeforeEach
    void reset() {
        Himoya.reset();
    }

    static RequestSpecification ops() {
        return given().header("Authorization", OPS).contentType(ContentType.JSON);
    }

    @Test
    void shouldPlaceListAndLiftHold_whenOpsAsk() {
        // Act 1: place
        JsonPath placed = ops().body("{\"subject\":{\"id\":\"1005\"},\"reason\":\"Court order 12/2026\"}")
                .post("/v1/holds/demo").then().statusCode(201).header("Location", containsString("/v1/holds/demo/"))
                .body("active", equalTo(true)).body("subject.id", equalTo("1005"))
                .body("reason", equalTo("Court order 12/2026")).extract().jsonPath();
        String id = placed.getString("id");

        // Act 2: list, lift with a reason, list again
        ops().get("/v1/holds/demo").then().statusCode(200).body("", hasSize(1)).body("[0].id", equalTo(id));
        ops().body("{\"reason\":\"order withdrawn\"}").post("/v1/holds/demo/" + id + "/lift").then().statusCode(200)
                .body("active", equalTo(false)).body("liftReason", equalTo("order withdrawn"))
                .body("subject", nullValue());
        ops().get("/v1/holds/demo").then().statusCode(200).body("", hasSize(0));
        ops().get("/v1/holds/demo?all=true").then().statusCode(200).body("", hasSize(1));

        // Assert: lifting twice is a conflict; the lifted hold keeps no subject key
        ops().delete("/v1/holds/demo/" + id).then().statusCode(409).contentType("application/problem+json");
        assertThat(Himoya.count("SELECT count(*) FROM legal_hold WHERE subject_key IS NULL")).isEqualTo(1);
    }

    @Test
    void shouldFindSubjectByRegisteredEmail_whenHoldNamesAnEmail() {
        ops().body("{\"subject\":{\"email\":\"Anna@Demo.example\"},\"reason\":\"Tax audit 2026-17\"}")
                .post("/v1/holds/demo").then().statusCode(201).body("subject.id", equalTo("1003"));
        assertThat(Himoya.count("SELECT count(*) FROM legal_hold WHERE encode(subject_key, 'escape') LIKE"
                + " '%anna%'")).isZero();
    }

    @Test
    void shouldHoldTheErasureAndSayWhyInTheReceipt_untilTheHoldIsLifted() {
        // Arrange: Dilnoza (1001) is held, then her app files her deletion
        String hold = ops().body("{\"subject\":{\"id\":\"1001\"},\"reason\":\"Court order 12/2026\"}")
                .post("/v1/holds/demo").then().statusCode(201).extract().path("id");
        String request = given().header("Authorization", APP_KEY).contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"1001\"},\"verified\":true}").post("/v1/deletion-requests").then()
                .statusCode(202).extract().path("id");

        // Act 1: the worker takes the job
        Himoya.drain(worker::processBatch);

        // Assert 1: nothing erased, no mail; the request waits and its receipt says why
        JsonPath held = given().header("Authorization", APP_KEY).get("/v1/deletion-requests/" + request).then()
                .statusCode(200).extract().jsonPath();
        assertThat(held.getString("status")).isEqualTo("QUEUED");
        assertThat(held.getList("receipt.tables.action", String.class)).isNotEmpty().containsOnly("HELD");
        assertThat(held.getString("receipt.tables[0].keptBecause")).contains(hold).contains("Court order 12/2026");
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1001")).isEqualTo(1);
        assertThat(SmtpResource.mail().getReceivedMessages()).isEmpty();

        // Act 2: ops lift the hold; the waiting request is driven again
        ops().delete("/v1/holds/demo/" + hold).then().statusCode(200);
        Himoya.drain(worker::processBatch);

        // Assert 2
        given().header("Authorization", APP_KEY).get("/v1/deletion-requests/" + request).then().statusCode(200)
                .body("status", equalTo("COMPLETED")).body("receipt.tables.find { it.table == 'users' }.action",
                        equalTo("DELETED"));
        assertThat(DemoStore.count("SELECT count(*) FROM demo_app.users WHERE id = 1001")).isZero();
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "POST | /v1/holds/demo | {\"subject\":{\"id\":\"1005\"},\"reason\":\"x\"} | Bearer demo-test-key | 401 | unauthorized",
            "POST | /v1/holds/demo | {\"subject\":{\"id\":\"1005\"},\"reason\":\"x\"} | | 401 | unauthorized",
            "POST | /v1/holds/nope | {\"subject\":{\"id\":\"1005\"},\"reason\":\"x\"} | ops | 404 | not-found",
            "POST | /v1/holds/demo | {\"subject\": | ops | 400 | malformed-json",
            "POST | /v1/holds/demo | {\"subject\":{\"id\":\"1005\"}} | ops | 422 | reason",
            "POST | /v1/holds/demo | {\"subject\":{\"id\":\"1005\"},\"reason\":\"x\",\"until\":\"2027\"} | ops | 422 | until",
            "POST | /v1/holds/demo | {\"subject\":{},\"reason\":\"x\"} | ops | 422 | subject",
            "POST | /v1/holds/demo | {\"subject\":{\"id\":\"999999\"},\"reason\":\"x\"} | ops | 422 | no subject of app demo",
            "POST | /v1/holds/demo/00000000-0000-4000-8000-000000000000/lift | {} | ops | 404 | not-found",
            "DELETE | /v1/holds/demo/not-a-uuid | | ops | 404 | not-found",
            "GET | /v1/holds/nope | | ops | 404 | not-found" })
    void shouldAnswerProblemAndChangeNothing_whenCallIsBad(String method, String path, String body, String auth,
            int status, String mention) {
        RequestSpecification r = given().contentType(ContentType.JSON);
        if (auth != null) {
            r = r.header("Authorization", auth.equals("ops") ? OPS : auth);
        }
        if (body != null) {
            r = r.body(body);
        }
        r.request(method, path).then().statusCode(status).contentType("application/problem+json")
                .body(containsString(mention));
        assertThat(Himoya.count("SELECT count(*) FROM legal_hold")).isZero();
    }
}
