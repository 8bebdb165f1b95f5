package uz.himoya.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import uz.himoya.webhook.Callbacks.Outcome;
import uz.himoya.webhook.Callbacks.Rejected;
import uz.himoya.webhook.Callbacks.Target;

/** A system's signed callback after a 202: path, signature, replay window and the two body shapes. */
class CallbacksTest {
    private static final String SECRET = "crm-secret-value";
    private static final String ID = "0b6f0c3e-8d2a-4c55-9a57-3f1c2e4d5a6b";
    private static final Target TARGET = new Target(UUID.fromString(ID), "crm");
    private static final Instant NOW = Instant.parse("2026-05-01T10:00:00Z");
    /** A done callback's start, for the access bodies. */
    private static final String DONE = "{'requestId':'" + ID + "','status':'done'";

    @Test
    void shouldReadRequestAndWebhook_whenPathIsACallbackPath() {
        assertThat(Callbacks.target("/v1/callbacks/" + ID + "/crm")).isEqualTo(TARGET);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/v1/callbacks/" + ID, "/v1/callbacks/" + ID + "/crm/", "/v1/callbacks/not-a-uuid/crm",
            "/v1/callbacks/" + ID + "/CRM", "/v1/callbacks/0B6F0C3E-8D2A-4C55-9A57-3F1C2E4D5A6B/crm",
            "/v1/callbacks//crm", "/v2/callbacks/" + ID + "/crm", "/v1/callbacks/" + ID + "/crm?x=1" })
    void shouldRefuseWithCallbackPath_whenPathIsNotExactlyACallbackPath(String path) {
        Rejected r = catchThrowableOfType(Rejected.class, () -> Callbacks.target(path));

        assertThat(r.code()).isEqualTo("callback-path");
        assertThat(r.status()).isEqualTo(404);
    }

    @Test
    void shouldReturnDone_whenASignedDoneCallbackArrives() {
        // Arrange
        byte[] body = json("{'requestId':'" + ID + "','status':'done','rows':3,"
                + "'categories':['contact.email','device']}");
        String signature = WebhookSignature.sign(SECRET, body, NOW.minusSeconds(20));

        // Act
        Outcome o = Callbacks.verify(SECRET, TARGET, signature, body, NOW);

        // Assert
        assertThat(o).isEqualTo(new Outcome.Done(3, List.of("contact.email", "device")));
    }

    @Test
    void shouldReturnFailed_whenASignedFailedCallbackArrives() {
        byte[] body = json("{'requestId':'" + ID + "','status':'failed','code':'subject-unknown'}");

        Outcome o = Callbacks.verify(SECRET, TARGET, WebhookSignature.sign(SECRET, body, NOW), body, NOW);

        assertThat(o).isEqualTo(new Outcome.Failed("subject-unknown"));
    }

    @Test
    void shouldRefuseWithCallbackSignature_whenSignatureIsWrongMissingOrMalformed() {
        byte[] body = json("{'requestId':'" + ID + "','status':'done','rows':0,'categories':[]}");
        byte[] other = json("{'requestId':'" + ID + "','status':'done','rows':9,'categories':[]}");

        for (String sig : new String[] { WebhookSignature.sign("another-secret", body, NOW),
                WebhookSignature.sign(SECRET, other, NOW), null, "", "v1=abc", "t=1,t=2" }) {
            Rejected r = catchThrowableOfType(Rejected.class, () -> Callbacks.verify(SECRET, TARGET, sig, body, NOW));
            assertThat(r.code()).isEqualTo("callback-signature");
            assertThat(r.status()).isEqualTo(401);
        }
    }

    @Test
    void shouldRefuseWithCallbackStale_whenSignedOutsideTheWindow() {
        byte[] body = json("{'requestId':'" + ID + "','status':'done','rows':0,'categories':[]}");

        for (Instant signedAt : new Instant[] { NOW.minusSeconds(301), NOW.plusSeconds(301) }) {
            String sig = WebhookSignature.sign(SECRET, body, signedAt);
            Rejected r = catchThrowableOfType(Rejected.class, () -> Callbacks.verify(SECRET, TARGET, sig, body, NOW));
            assertThat(r.code()).isEqualTo("callback-stale");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "not json", "[]", "{'status':'done','rows':1,'categories':[]}",
            "{'requestId':'" + ID + "','status':'done','rows':1}",
            "{'requestId':'" + ID + "','status':'done','categories':[]}",
            "{'requestId':'" + ID + "','status':'done','rows':-1,'categories':[]}",
            "{'requestId':'" + ID + "','status':'done','rows':1.5,'categories':[]}",
            "{'requestId':'" + ID + "','status':'done','rows':1,'categories':['contact.shoe-size']}",
            "{'requestId':'" + ID + "','status':'done','rows':1,'categories':['device','device']}",
            "{'requestId':'" + ID + "','status':'done','rows':1,'categories':[],'code':'x'}",
            "{'requestId':'" + ID + "','status':'done','rows':1,'categories':[],'note':'x'}",
            "{'requestId':'" + ID + "','status':'failed'}",
            "{'requestId':'" + ID + "','status':'failed','code':'Not Found'}",
            "{'requestId':'" + ID + "','status':'failed','code':''}",
            "{'requestId':'" + ID + "','status':'failed','code':'x','rows':1}",
            "{'requestId':'" + ID + "','status':'pending'}",
            "{'requestId':'" + ID + "','status':'done','status':'failed','code':'x'}",
            "{'requestId':'1d8e4b4e-0000-4000-8000-000000000000','status':'failed','code':'x'}" })
    void shouldRefuseWithCallbackBody_whenBodyIsNotOneOfTheTwoShapes(String text) {
        refusedBody(text, Callbacks::verify);
    }

    @Test
    void shouldRefuseWithCallbackBody_whenBodyIsLargerThanTheCap() {
        byte[] body = new byte[Callbacks.MAX_BODY_BYTES + 1];

        Rejected r = catchThrowableOfType(Rejected.class, () -> Callbacks.verify(SECRET, TARGET,
                WebhookSignature.sign(SECRET, body, NOW), body, NOW));

        assertThat(r.code()).isEqualTo("callback-body");
    }

    @Test
    void shouldEchoNothingSent_whenRefusing() {
        String canary = "canary-a@b.uz";
        byte[][] bodies = { json("{'requestId':'" + ID + "','status':'failed','code':'" + canary + "'}"),
                json("{'requestId':'" + ID + "','status':'" + canary + "'}"),
                json("{'requestId':'" + ID + "','" + canary + "':1}"), json(canary) };
        for (byte[] body : bodies) {
            for (String sig : new String[] { WebhookSignature.sign(SECRET, body, NOW), "t=1,v1=" + canary,
                    WebhookSignature.sign(SECRET, body, NOW.minusSeconds(999)) }) {
                Rejected r = catchThrowableOfType(Rejected.class,
                        () -> Callbacks.verify(SECRET, TARGET, sig, body, NOW));
                assertThat(r.getMessage() + r.title() + r.errors()).doesNotContain("canary").doesNotContain(SECRET);
            }
        }
    }

    @Test
    void shouldReturnTheSubjectsData_whenASignedDoneAccessCallbackArrives() {
        // Arrange
        byte[] body = json("{'requestId':'" + ID + "','status':'done','records':[{'category':'contact.name',"
                + "'fields':{'first_name':'Dilnoza','vip':true,'orders':7,'note':null}}]}");
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("first_name", "Dilnoza");
        fields.put("vip", true);
        fields.put("orders", 7);
        fields.put("note", null);

        // Act
        Callbacks.AccessOutcome o = Callbacks.verifyAccess(SECRET, TARGET, WebhookSignature.sign(SECRET, body, NOW),
                body, NOW);

        // Assert
        assertThat(o).isEqualTo(new SubjectData(List.of(new SubjectData.DataRecord("contact.name", fields))));
    }

    @Test
    void shouldReturnFailed_whenASignedFailedAccessCallbackArrives() {
        byte[] body = json("{'requestId':'" + ID + "','status':'failed','code':'subject-unknown'}");

        assertThat(Callbacks.verifyAccess(SECRET, TARGET, WebhookSignature.sign(SECRET, body, NOW), body, NOW))
                .isEqualTo(new Outcome.Failed("subject-unknown"));
    }

    @ParameterizedTest
    @ValueSource(strings = { DONE + "}", DONE + ",'rows':1,'categories':[]}", DONE + ",'records':[],'code':'x'}",
            DONE + ",'records':{}}",
            DONE + ",'records':[{'category':'contact.address','fields':{'address':{'city':'Tashkent'}}}]}",
            DONE + ",'records':[{'category':'contact.shoe-size','fields':{'size':'38'}}]}",
            DONE + ",'records':[{'category':'device','fields':{'':'x'}}]}",
            "{'requestId':'" + ID + "','status':'failed','code':'x','records':[]}",
            "{'requestId':'1d8e4b4e-0000-4000-8000-000000000000','status':'done','records':[]}" })
    void shouldRefuseWithCallbackBodyEchoingNothing_whenAnAccessBodyIsNotOneOfItsShapes(String text) {
        Rejected r = refusedBody(text, Callbacks::verifyAccess);

        assertThat(r.getMessage() + r.title() + r.errors()).doesNotContain("Tashkent", "shoe-size", "38");
    }

    @Test
    void shouldCheckTheSignatureFirst_whenAnAccessCallbackArrives() {
        byte[] body = json("{'requestId':'" + ID + "','status':'done','records':[]}");

        Rejected forged = catchThrowableOfType(Rejected.class, () -> Callbacks.verifyAccess(SECRET, TARGET,
                WebhookSignature.sign("another-secret", body, NOW), body, NOW));
        Rejected stale = catchThrowableOfType(Rejected.class, () -> Callbacks.verifyAccess(SECRET, TARGET,
                WebhookSignature.sign(SECRET, body, NOW.minusSeconds(301)), body, NOW));

        assertThat(forged.code()).isEqualTo("callback-signature");
        assertThat(stale.code()).isEqualTo("callback-stale");
    }

    /** Callbacks.verify or verifyAccess. */
    interface Verifier {
        Object verify(String secret, Target target, String signature, byte[] body, Instant now);
    }

    /** The body, correctly signed now, is refused by verifier as callback-body 422; the refusal. */
    private static Rejected refusedBody(String text, Verifier verifier) {
        byte[] body = json(text);
        String sig = WebhookSignature.sign(SECRET, body, NOW);
        Rejected r = catchThrowableOfType(Rejected.class, () -> verifier.verify(SECRET, TARGET, sig, body, NOW));
        assertThat(r.code()).isEqualTo("callback-body");
        assertThat(r.status()).isEqualTo(422);
        return r;
    }

    private static byte[] json(String singleQuoted) {
        return singleQuoted.replace('\'', '"').getBytes(UTF_8);
    }
}
