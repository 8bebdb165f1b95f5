package uz.himoya.deletion.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;

/** The app-facing API through the Lambda mock event server: every bad input is a problem+json, changes nothing. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
class DeletionApiTest {
    static final String KEY = "Bearer demo-test-key";
    static final String KG_KEY = "Bearer other-test-key";
    static final String PATH = "/v1/deletion-requests";

    @BeforeEach
    void reset() {
        Himoya.reset();
    }

    static Response submit(String body) {
        return given().header("Authorization", KEY).contentType(ContentType.JSON).body(body).post(PATH);
    }

    @Test
    void shouldAnswer202WithDueDate_whenRequestIsValid() {
        submit("{\"subject\":{\"id\":\"1001\"},\"locale\":\"uz\"}").then().statusCode(202)
                .header("Location", containsString(PATH + "/"))
                .body("status", equalTo("AWAITING_VERIFICATION"))
                .body("id", notNullValue()).body("receivedAt", notNullValue()).body("dueAt", notNullValue())
                .body("links.self", containsString(PATH + "/"));
        // Deepen 6.2: due 14 days after receipt
        Response r = submit("{\"subject\":{\"email\":\"john@demo.example\"}}");
        var received = java.time.Instant.parse(r.path("receivedAt"));
        var due = java.time.Instant.parse(r.path("dueAt"));
        assertThat(java.time.Duration.between(received, due).toDays()).isEqualTo(14);
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request")).isEqualTo(2);
    }

    @Test
    void shouldAnswerTheSame_whenSubjectDoesNotExistInTheApp() {
        Response known = submit("{\"subject\":{\"email\":\"anna@demo.example\"}}");
        Response unknown = submit("{\"subject\":{\"email\":\"nobody@demo.example\"}}");
        assertThat(unknown.statusCode()).isEqualTo(known.statusCode()).isEqualTo(202);
        assertThat(unknown.jsonPath().getMap("").keySet()).isEqualTo(known.jsonPath().getMap("").keySet());
        assertThat(unknown.path("status").toString()).isEqualTo(known.path("status").toString());
    }

    @Test
    void shouldReturnTheOpenRequest_whenSubjectAlreadyHasOne() {
        String first = submit("{\"subject\":{\"id\":\"1002\"}}").path("id");
        String second = submit("{\"subject\":{\"id\":\"1002\",\"email\":\"sherzod@demo.example\"}}").path("id");
        assertThat(second).isEqualTo(first);
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request")).isEqualTo(1);
    }

    @Test
    void shouldReplayFirstAnswer_whenIdempotencyKeyRepeats() {
        String body = "{\"subject\":{\"id\":\"1003\"}}";
        Response a = given().header("Authorization", KEY).header("Idempotency-Key", "k-1")
                .contentType(ContentType.JSON).body(body).post(PATH);
        Response b = given().header("Authorization", KEY).header("Idempotency-Key", "k-1")
                .contentType(ContentType.JSON).body(body).post(PATH);
        assertThat(b.statusCode()).isEqualTo(202);
        assertThat(b.asString()).isEqualTo(a.asString());
        given().header("Authorization", KEY).header("Idempotency-Key", "k-1").contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"1004\"}}").post(PATH)
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItem("Idempotency-Key"));
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request")).isEqualTo(1);
    }

    @Test
    void shouldAnswer401_whenKeyMissingOrWrong() {
        given().contentType(ContentType.JSON).body("{\"subject\":{\"id\":\"1\"}}").post(PATH)
                .then().statusCode(401).contentType("application/problem+json").body("status", equalTo(401));
        given().header("Authorization", "Bearer wrong").contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"1\"}}").post(PATH).then().statusCode(401);
        given().header("Authorization", "Basic abc").get(PATH + "/00000000-0000-0000-0000-000000000000")
                .then().statusCode(401);
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request")).isZero();
    }

    @Test
    void shouldAnswer404_whenRequestBelongsToAnotherApp() {
        String id = submit("{\"subject\":{\"id\":\"1005\"}}").path("id");
        given().header("Authorization", KG_KEY).get(PATH + "/" + id).then().statusCode(404)
                .contentType("application/problem+json");
        given().header("Authorization", KG_KEY).post(PATH + "/" + id + "/cancel").then().statusCode(404);
        given().header("Authorization", KEY).get(PATH + "/" + java.util.UUID.randomUUID()).then().statusCode(404);
        given().header("Authorization", KEY).get(PATH + "/not-a-uuid").then().statusCode(404);
        given().header("Authorization", KEY).get(PATH + "/" + id).then().statusCode(200)
                .body("status", equalTo("AWAITING_VERIFICATION"));
    }

    @Test
    void shouldAnswer400_whenJsonIsMalformed() {
        submit("{\"subject\":").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:himoya:problem:malformed-json"));
        submit("[1,2]").then().statusCode(400);
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request")).isZero();
    }

    @Test
    void shouldAnswer413_whenBodyIsOver64KiB() {
        String big = "{\"subject\":{\"id\":\"" + "x".repeat(70_000) + "\"}}";
        submit(big).then().statusCode(413).contentType("application/problem+json");
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request")).isZero();
    }

    @Test
    void shouldAnswer415_whenContentTypeIsNotJson() {
        given().header("Authorization", KEY).contentType(ContentType.TEXT).body("subject=1").post(PATH)
                .then().statusCode(415).contentType("application/problem+json");
    }

    @Test
    void shouldList422FieldErrors_whenFieldsAreInvalid() {
        submit("{\"subject\":{\"email\":\"not-an-address\"},\"locale\":\"de\",\"verified\":\"yes\",\"extra\":1}")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors.field", hasItem("subject.email")).body("errors.field", hasItem("verified"))
                .body("errors.field", hasItem("extra"));
        submit("{\"subject\":{}}").then().statusCode(422).body("errors.field", hasItem("subject"));
        submit("{\"subject\":{\"id\":\"1001\"},\"locale\":\"de\"}").then().statusCode(422)
                .body("errors.field", hasItem("locale"));
        // demo-kg only files requests of signed-in users (app-attested)
        given().header("Authorization", KG_KEY).contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"1004\"}}").post(PATH).then().statusCode(422)
                .body("errors.field", hasItem("verified"));
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request")).isZero();
    }

    @Test
    void shouldRefuseWith422NamingTheFieldOnly_whenEmailIsNotAsciiOrHasInvisibleCharacters() {
        // Issue 10: these were accepted, and a non-ASCII address went out as raw bytes without SMTPUTF8
        for (String email : new String[] { "dilnoza@d\u0435mo.example", "dil\u200Bnoza@demo.example",
                "dilnoza@demo.example\uFEFF", "\u202Edilnoza@demo.example", "dilnoza\u2066@demo.example",
                "\u200Edilnoza@demo.example", "dilnoza@demo\u2060.example", "дилноза@demo.example" }) {
            String body = submit("{\"subject\":{\"email\":\"" + email + "\"}}").then().statusCode(422)
                    .contentType("application/problem+json").body("errors.field", hasItem("subject.email"))
                    .extract().asString();
            assertThat(body).as("the value is never echoed").doesNotContain("dilnoza").doesNotContain("дилноза");
        }
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request")).isZero();
        submit("{\"subject\":{\"email\":\"dilnoza@demo.example\"}}").then().statusCode(202);
    }

    @Test
    void shouldAnswer429_whenOneSubjectIsRequestedTooOften() {
        for (int i = 0; i < 5; i++) {
            submit("{\"subject\":{\"id\":\"1006\"}}").then().statusCode(202);
        }
        submit("{\"subject\":{\"id\":\"1006\"}}").then().statusCode(429).header("Retry-After", notNullValue())
                .contentType("application/problem+json");
        submit("{\"subject\":{\"id\":\"1005\"}}").then().statusCode(202);
    }

    @Test
    void shouldCancelOnce_whenRequestIsNotStarted() {
        String id = submit("{\"subject\":{\"id\":\"1001\"}}").path("id");
        given().header("Authorization", KEY).post(PATH + "/" + id + "/cancel").then().statusCode(200)
                .body("status", equalTo("CANCELLED")).body("cancelledAt", notNullValue());
        given().header("Authorization", KEY).post(PATH + "/" + id + "/cancel").then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:himoya:problem:invalid-transition"));
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request WHERE subject_ref IS NOT NULL")).isZero();
    }

    @Test
    void shouldAnswerProblem_whenRouteIsUnknown() {
        given().header("Authorization", KEY).get("/v1/nothing-here").then().statusCode(404)
                .contentType("application/problem+json");
    }
}
