package uz.himoya.deletion.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static uz.himoya.deletion.http.ConfirmLinks.status;
import static uz.himoya.deletion.http.ConfirmLinks.token;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.deletion.DeletionWorker;
import uz.himoya.testing.Himoya;
import uz.himoya.testing.PostgresResource;
import uz.himoya.testing.SmtpResource;
import uz.himoya.testing.SqsResource;
import uz.himoya.testing.TestClock;

/**
 * The subject's confirm page (issue 10, part 3): its security headers, what it names, "this wasn't me",
 * every state it can show, and client mistakes that must never look like an outage (5xx).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(SmtpResource.class)
@QuarkusTestResource(SqsResource.class)
class ConfirmPageTest {
    static final String KEY = "Bearer demo-test-key";

    @Inject
    DeletionWorker worker;
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
    void shouldForbidFramingAndSniffing_whenPageIsServed() throws Exception {
        String token = requestAndToken("1001", "uz").token();

        for (Response r : new Response[] { given().get("/v1/confirm?token=" + token),
                given().get("/v1/confirm?token=nothing-matches"),
                given().contentType(ContentType.URLENC).formParam("token", token).post("/v1/confirm") }) {
            String csp = r.header("Content-Security-Policy");
            assertThat(csp).as("CSP").contains("frame-ancestors 'none'").contains("default-src 'none'")
                    .doesNotContain("script-src").doesNotContain("unsafe-inline");
            assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.body().asString()).doesNotContain("<script");
        }
    }

    @Test
    void shouldNameAppOperatorReferenceAndDay_whenFormIsShown() throws Exception {
        Requested req = requestAndToken("1003", "ru"); // Anna (1003) reads Russian

        String page = given().get("/v1/confirm?token=" + req.token()).then().statusCode(200).extract().asString();

        assertThat(page).contains("<title>Demo Market");
        assertThat(page).contains("Himoya").contains("Demo Market").contains("privacy@demo.example");
        assertThat(page).contains(req.id().substring(0, 8).toUpperCase());
        assertThat(page).containsPattern("\\d{1,2} [а-я]+ 20\\d\\d года"); // the day it was made, in Russian
        assertThat(page).doesNotContain("г..").doesNotContain("..");
    }

    @Test
    void shouldCancelAndTellTheAppsContact_whenSubjectSaysItWasNotThem() throws Exception {
        Requested req = requestAndToken("1001", "uz");

        String answer = given().contentType(ContentType.URLENC).formParam("token", req.token())
                .post("/v1/confirm/not-me").then().statusCode(200).extract().asString();

        assertThat(answer).contains("privacy@demo.example");
        assertThat(status(req.id())).isEqualTo("CANCELLED");
        Himoya.drain(worker::processBatch);
        MimeMessage[] mails = SmtpResource.mail().getReceivedMessages();
        assertThat(mails).hasSize(2);
        MimeMessage toContact = mails[1];
        assertThat(toContact.getAllRecipients()[0].toString()).isEqualTo("privacy@demo.example");
        String body = GreenMailUtil.getBody(toContact);
        assertThat(toContact.getSubject() + body).contains(req.id().substring(0, 8).toUpperCase());
        // The app's default language (uz), and nothing personal: no name, no address, no token
        assertThat(toContact.getSubject()).contains("soʻrov");
        assertThat(body.toLowerCase()).doesNotContain("dilnoza").doesNotContain("karimova")
                .doesNotContain(req.token());
        // The link now says cancelled, and the same denial twice sends no second mail
        given().get("/v1/confirm?token=" + req.token()).then().statusCode(200)
                .body(containsString("notice cancelled"));
        given().contentType(ContentType.URLENC).formParam("token", req.token()).post("/v1/confirm/not-me").then()
                .statusCode(200);
        Himoya.drain(worker::processBatch);
        assertThat(SmtpResource.mail().getReceivedMessages()).hasSize(2);
        // Confirming after the denial confirms nothing
        given().contentType(ContentType.URLENC).formParam("token", req.token()).post("/v1/confirm").then()
                .statusCode(200).body(containsString("notice cancelled"));
        assertThat(status(req.id())).isEqualTo("CANCELLED");
    }

    @Test
    void shouldShowAlreadyConfirmed_whenConfirmedLinkIsOpenedAgainAfterErasure() throws Exception {
        Requested req = requestAndToken("1001", "uz");
        given().contentType(ContentType.URLENC).formParam("token", req.token()).post("/v1/confirm").then()
                .statusCode(200);
        Himoya.drain(worker::processBatch);
        assertThat(status(req.id())).isEqualTo("COMPLETED");

        given().get("/v1/confirm?token=" + req.token()).then().statusCode(200)
                .body(containsString("notice ok already")).body(not(containsString("name=\"token\"")));
    }

    @Test
    void shouldShowCancelled_whenAppCancelledTheRequest() throws Exception {
        Requested req = requestAndToken("1001", "uz");
        given().header("Authorization", KEY).post("/v1/deletion-requests/" + req.id() + "/cancel").then()
                .statusCode(200);

        given().get("/v1/confirm?token=" + req.token()).then().statusCode(200)
                .body(containsString("notice cancelled"));
    }

    @Test
    void shouldStayGoneWithLocalizedPage_whenExpiredLinkIsOpenedAgain() throws Exception {
        Requested req = requestAndToken("1003", "ru");
        clock.advance(Duration.ofDays(8));

        for (int i = 0; i < 3; i++) {
            given().get("/v1/confirm?token=" + req.token()).then().statusCode(410)
                    .body(containsString("lang=\"ru\"")).body(containsString("Срок действия ссылки истёк"));
        }
        given().contentType(ContentType.URLENC).formParam("token", req.token()).post("/v1/confirm").then()
                .statusCode(410).body(containsString("Срок действия ссылки истёк"));
        assertThat(status(req.id())).isEqualTo("EXPIRED");
        assertThat(Himoya.count("SELECT count(*) FROM deletion_request WHERE subject_ref IS NOT NULL")).isZero();
    }

    @Test
    void shouldAnswerThePage_whenAcceptLanguageIsMalformed() {
        for (String header : new String[] { ";", ",", ";q=1", "ru;q=abc", "; ,ru", "ky;q=0.5, ru;q=0.9", "*" }) {
            given().header("Accept-Language", header).get("/v1/confirm?token=nothing-matches").then()
                    .statusCode(404).contentType(containsString("text/html"));
        }
        given().header("Accept-Language", "ky;q=0.5, ru;q=0.9").get("/v1/confirm?token=nothing-matches").then()
                .body(containsString("lang=\"ru\""));
    }

    @Test
    void shouldAnswer404Page_whenTokenIsBadlyPercentEncoded() {
        // As API Gateway hands them over (HTTP clients refuse to build such a URL): a client's mistake, not a 503
        assertThat(viaApiGateway("POST", "/v1/confirm", "", "token=%zz")).isEqualTo(404);
        assertThat(viaApiGateway("POST", "/v1/confirm/not-me", "", "token=%zz")).isEqualTo(404);
        assertThat(viaApiGateway("POST", "/v1/confirm", "", "token=%E0%A4%A&x=%")).isEqualTo(404);
        // A GET's malformed query is refused by the HTTP layer under Himoya (Vert.x) with a bare 400 before any
        // resource runs: a client error all the same, never "retry later".
        for (String query : new String[] { "token=%zz", "token=%", "token=%E0%A4%A" }) {
            assertThat(viaApiGateway("GET", "/v1/confirm", query, null, false)).as(query).isBetween(400, 404);
        }
    }

    /** The status the HTTP function answers to a raw API Gateway (payload 2.0) event; it must be HTML. */
    private static int viaApiGateway(String method, String path, String rawQuery, String form) {
        return viaApiGateway(method, path, rawQuery, form, true);
    }

    private static int viaApiGateway(String method, String path, String rawQuery, String form, boolean page) {
        String event = """
                {"version":"2.0","routeKey":"$default","rawPath":"%s","rawQueryString":"%s",%s
                 "headers":{"host":"abc123.execute-api.eu-central-1.amazonaws.com","accept":"text/html"%s},
                 "requestContext":{"http":{"method":"%s","path":"%s","protocol":"HTTP/1.1","sourceIp":"192.0.2.10"},
                   "requestId":"r1","routeKey":"$default","stage":"$default","timeEpoch":1795329000000},
                 %s"isBase64Encoded":false}""".formatted(path, rawQuery,
                rawQuery.isEmpty() ? "" : "\"queryStringParameters\":{\"token\":\"" + rawQuery.substring(6) + "\"},",
                form == null ? "" : ",\"content-type\":\"application/x-www-form-urlencoded\"", method, path,
                form == null ? "" : "\"body\":\"" + form + "\",");
        var response = given().contentType(ContentType.JSON).body(event).post(uz.himoya.testing.MockLambda.url())
                .then().statusCode(200).extract().jsonPath();
        assertThat(page ? response.getString("headers.Content-Type") + response.getString("headers.content-type")
                : "text/html").as("%s %s?%s: %s", method, path, rawQuery, response.prettify()).contains("text/html");
        return response.getInt("statusCode");
    }

    record Requested(String id, String token) {
    }

    private Requested requestAndToken(String subjectId, String locale) throws Exception {
        String id = given().header("Authorization", KEY).contentType(ContentType.JSON)
                .body("{\"subject\":{\"id\":\"" + subjectId + "\"},\"locale\":\"" + locale + "\"}")
                .post("/v1/deletion-requests").then().statusCode(202).extract().path("id");
        Himoya.drain(worker::processBatch);
        MimeMessage[] mails = SmtpResource.mail().getReceivedMessages();
        return new Requested(id, token(mails[mails.length - 1]));
    }
}
