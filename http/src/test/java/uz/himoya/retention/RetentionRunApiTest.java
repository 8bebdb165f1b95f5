package uz.himoya.retention;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import uz.himoya.testing.DemoStore;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;

/** Retention runs over HTTP (ops key): start a sweep or a dry run, read the records. */
@QuarkusTest
// The retention sweep still runs the app's SQL on Himoya's connection (issue 11): old layout until it moves.
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
class RetentionRunApiTest {
    static final String OLD_LOGS = "SELECT count(*) FROM demo_app.access_logs WHERE accessed_at < now() - interval"
            + " '90 days'";

    @BeforeEach
    void reset() {
        Himoya.reset();
    }

    static RequestSpecification ops() {
        return given().header("Authorization", "Bearer ops-test-key").contentType(ContentType.JSON);
    }

    @Test
    void shouldSweepAndShowWhatWasRemoved_whenOpsStartARun() {
        // Act
        String id = ops().body("{\"app\":\"demo\",\"dryRun\":false}").post("/v1/retention/runs").then().statusCode(201)
                .body("runs", hasSize(1)).body("runs[0].status", equalTo("COMPLETED"))
                .body("runs[0].trigger", equalTo("ops")).extract().path("runs[0].id");

        // Assert: the record over HTTP, per rule
        JsonPath run = ops().get("/v1/retention/runs/" + id).then().statusCode(200).extract().jsonPath();
        assertThat(run.getLong("rules.find { it.rule == 'access_logs' }.rowsAffected")).isEqualTo(20);
        assertThat(run.getString("rules.find { it.rule == 'access_logs' }.status")).isEqualTo("DONE");
        assertThat(run.getLong("rules.find { it.rule == 'users' }.rowsAffected")).isEqualTo(1);
        assertThat(run.getList("rules.rule", String.class)).contains("himoya:unverified-requests",
                "himoya:retention-runs");
        ops().get("/v1/retention/runs?app=demo").then().statusCode(200).body("", hasSize(1))
                .body("[0].id", equalTo(id));
        assertThat(DemoStore.count(OLD_LOGS)).isZero();
    }

    @Test
    void shouldCountWithoutChanging_whenOpsAskForADryRun() {
        ops().body("{\"app\":\"demo\",\"dryRun\":true}").post("/v1/retention/runs").then().statusCode(201)
                .body("runs[0].dryRun", equalTo(true))
                .body("runs[0].rules.find { it.rule == 'access_logs' }.wouldAffect", equalTo(20))
                .body("runs[0].rules.find { it.rule == 'sessions' }.wouldAffect", equalTo(2));
        assertThat(DemoStore.count(OLD_LOGS)).isEqualTo(20);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "POST | /v1/retention/runs | {\"app\":\"nope\",\"dryRun\":false} | ops | 422 | is not an app this deployment serves",
            "POST | /v1/retention/runs | {\"app\":\"demo\",\"dryRun\":false,\"rules\":[\"orders\"]} | ops | 422 | is not a rule of this app",
            "POST | /v1/retention/runs | {\"app\":\"demo\",\"dryRun\":\"yes\"} | ops | 422 | dryRun",
            "POST | /v1/retention/runs | {\"app\": | ops | 400 | malformed-json",
            "POST | /v1/retention/runs | {\"app\":\"demo\",\"dryRun\":false} | Bearer demo-test-key | 401 | unauthorized",
            "GET | /v1/retention/runs/00000000-0000-4000-8000-000000000000 | | ops | 404 | not-found",
            "GET | /v1/retention/runs/not-a-uuid | | ops | 404 | not-found",
            "GET | /v1/retention/runs?limit=0 | | ops | 422 | limit",
            "GET | /v1/retention/runs?app=nope | | ops | 422 | is not an app",
            "GET | /v1/retention/runs | | | 401 | unauthorized" })
    void shouldAnswerProblemAndChangeNothing_whenCallIsBad(String method, String path, String body, String auth,
            int status, String mention) {
        RequestSpecification r = given().contentType(ContentType.JSON);
        if (auth != null) {
            r = r.header("Authorization", auth.equals("ops") ? "Bearer ops-test-key" : auth);
        }
        if (body != null) {
            r = r.body(body);
        }
        r.request(method, path).then().statusCode(status).contentType("application/problem+json")
                .body(containsString(mention));
        assertThat(Himoya.count("SELECT count(*) FROM retention_run")).isZero();
        assertThat(DemoStore.count(OLD_LOGS)).isEqualTo(20);
    }
}
