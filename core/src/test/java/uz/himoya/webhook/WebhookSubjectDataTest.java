package uz.himoya.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static uz.himoya.webhook.LocalTargets.NAME;
import static uz.himoya.webhook.LocalTargets.SECRET;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import uz.himoya.privacymap.WebhookSpec;
import uz.himoya.privacymap.WebhookSpec.Kind;
import uz.himoya.webhook.SubjectData.DataRecord;
import uz.himoya.webhook.WebhookJob.Subject;

/**
 * An access job's attempt against real local servers: the system's data in a 200, a 202, retries and
 * failures as for an erasure, every malformed body refused with one code and without a word of what it held,
 * and a system that does not take access jobs never asked.
 */
class WebhookSubjectDataTest {
    private static final Instant NOW = Instant.now();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static LocalTargets targets;
    private static int httpsPort;

    private final WebhookJob job = WebhookJob.of(UUID.randomUUID(), Kind.ACCESS, "demo",
            new Subject(Optional.of("42"), Optional.empty()), "https://himoya.example", "crm");

    @BeforeAll
    static void startTargets() throws Exception {
        targets = new LocalTargets(dir);
        httpsPort = targets.https(InetAddress.getLoopbackAddress());
    }

    @AfterAll
    static void stopTargets() {
        targets.close();
    }

    @Test
    void shouldReturnTheSystemsRecords_whenTheSystemAnswers200WithData() {
        // Arrange
        Map<String, Object> amount = new LinkedHashMap<>();
        amount.put("lifetime_value", 1250.5);
        amount.put("orders", 7);
        amount.put("vip", true);
        amount.put("note", null);

        // Act
        AccessReply reply = readFrom("/data");

        // Assert
        assertThat(reply).isEqualTo(new SubjectData(List.of(
                new DataRecord("contact.name", Map.of("first_name", "Dilnoza", "last_name", "Karimova")),
                new DataRecord("financial.amount", amount))));
        assertThat(((SubjectData) reply).records().get(1).fields().keySet())
                .containsExactly("lifetime_value", "orders", "vip", "note");
        // What a log line or an assertion message would show of it: counts and categories, no value.
        assertThat(reply.toString()).isEqualTo("SubjectData[2 records]").doesNotContain("Dilnoza");
        assertThat(((SubjectData) reply).records().get(0).toString())
                .isEqualTo("DataRecord[contact.name, 2 fields]");
    }

    @Test
    void shouldReturnNoRecords_whenTheSystemHoldsNothingOfTheSubject() {
        assertThat(readFrom("/data-none")).isEqualTo(new SubjectData(List.of()));
    }

    @Test
    void shouldSendASignedAccessJob_withTheErasuresBodyShapeAndCallback() throws IOException {
        // Act
        readFrom("/data");

        // Assert
        LocalTargets.Received received = targets.on("/data").stream()
                .filter(r -> new String(r.body(), UTF_8).contains(job.requestId().toString())).findFirst()
                .orElseThrow();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.contentType()).isEqualTo("application/json");
        assertThat(received.body()).isEqualTo(job.body());
        assertThat(received.signatureValid()).isTrue();
        assertThat(WebhookSignature.verify(SECRET, received.signature(), received.body(), Instant.now()))
                .isEqualTo(Instant.ofEpochSecond(NOW.getEpochSecond()));
        JsonNode body = JSON.readTree(received.body());
        assertThat(body.get("kind").textValue()).isEqualTo("access");
        assertThat(body.get("callback").textValue())
                .isEqualTo("https://himoya.example/v1/callbacks/" + job.requestId() + "/crm");
        assertThat(body.get("subject").toString()).isEqualTo("{\"id\":\"42\"}");
    }

    @Test
    void shouldReturnAccepted_whenTheSystemAnswers202() {
        assertThat(readFrom("/accepted")).isEqualTo(new Reply.Accepted());
    }

    @ParameterizedTest
    @CsvSource({ "500, webhook-500", "503, webhook-503", "429, webhook-429", "408, webhook-408" })
    void shouldRetry_whenTheSystemAnswers5xxOrAsksToComeBackLater(int status, String code) {
        assertThat(readFrom("/status/" + status)).isEqualTo(new Reply.Retry(code));
    }

    @ParameterizedTest
    @CsvSource({ "404, webhook-404", "400, webhook-400", "401, webhook-401", "204, webhook-204" })
    void shouldFailKeepingTheCode_whenTheSystemAnswersAnother4xxOr2xx(int status, String code) {
        assertThat(readFrom("/status/" + status)).isEqualTo(new Reply.Failed(code));
    }

    @Test
    void shouldFailWithRedirect_whenTheSystemAnswers302() {
        assertThat(readFrom("/redirect")).isEqualTo(new Reply.Failed("webhook-redirect"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/data-nested", "/data-array", "/data-category", "/data-no-fields", "/data-extra",
            "/data-duplicate", "/data-no-name", "/data-malformed", "/data-too-many", "/data-big", "/not-json", "/empty", "/ok" })
    void shouldFailWithBadReplyEchoingNothing_when200BodyIsNotTheDataFormat(String path) {
        // Act
        AccessReply reply = readFrom(path);

        // Assert: one fixed code, whatever the body held (an erasure's result, /ok, is not data either).
        assertThat(reply).isEqualTo(new Reply.Failed("webhook-bad-reply"));
        assertThat(reply.toString()).doesNotContain("Dilnoza", "Tashkent", "+998", "shoe-size");
    }

    @Test
    void shouldRefuseBeforeSendingAnything_whenTheSystemDoesNotTakeAccessJobs() {
        // Arrange
        WebhookSpec erasureOnly = spec("/erasure-only", Set.of(Kind.ERASURE));

        // Act + Assert
        assertThatThrownBy(() -> reader().read(erasureOnly, SECRET, job, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("42");
        assertThat(targets.on("/erasure-only")).isEmpty();
    }

    @Test
    void shouldRefuseBeforeSendingAnything_whenTheJobIsAnErasure() {
        // Arrange
        WebhookJob erasure = WebhookJob.of(UUID.randomUUID(), Kind.ERASURE, "demo",
                new Subject(Optional.of("42"), Optional.empty()), "https://himoya.example", "crm");
        WebhookSpec both = spec("/erasure-job", Set.of(Kind.ERASURE, Kind.ACCESS));

        // Act + Assert
        assertThatThrownBy(() -> reader().read(both, SECRET, erasure, NOW))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(targets.on("/erasure-job")).isEmpty();
    }

    @Test
    void shouldApplyTheErasuresTargetRules_whenTheTargetIsHttpOrPrivate() {
        // The same attempt as an erasure's: production refuses http and loopback before connecting.
        WebhookSubjectData production = new WebhookSubjectData(new WebhookClient(targets.clientTls, false,
                table(), WebhookClient.DEFAULT_MAX_REPLY_BYTES));

        assertThat(production.read(spec("/data", Set.of(Kind.ACCESS)).withUrl(URI.create("http://" + NAME + "/data")),
                SECRET, job, NOW)).isEqualTo(new Reply.Failed("webhook-not-https"));
        assertThat(production.read(spec("/data", Set.of(Kind.ACCESS)), SECRET, job, NOW))
                .isEqualTo(new Reply.Failed("webhook-private-address"));
    }

    private AccessReply readFrom(String path) {
        return reader().read(spec(path, Set.of(Kind.ACCESS)), SECRET, job, NOW);
    }

    private static WebhookSpec spec(String path, Set<Kind> kinds) {
        return new WebhookSpec("crm", URI.create("https://" + NAME + ":" + httpsPort + path), "demo-crm", TIMEOUT,
                kinds, Set.of(WebhookSpec.Identifier.ID), false, 1);
    }

    /** The local run's reader: loopback allowed, trusting the test certificate. */
    private static WebhookSubjectData reader() {
        return new WebhookSubjectData(new WebhookClient(targets.clientTls, true, table(),
                WebhookClient.DEFAULT_MAX_REPLY_BYTES));
    }

    private static WebhookClient.Resolver table() {
        return host -> {
            if (!host.equals(NAME)) {
                throw new UnknownHostException("not in the test table");
            }
            return List.of(InetAddress.getLoopbackAddress());
        };
    }
}
