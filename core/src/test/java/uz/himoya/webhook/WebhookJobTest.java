package uz.himoya.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import uz.himoya.webhook.WebhookJob.Subject;
import uz.himoya.privacymap.WebhookSpec.Kind;
import uz.himoya.privacymap.WebhookSpec;

class WebhookJobTest {
    private static final UUID ID = UUID.fromString("0b6f0c3e-8d2a-4c55-9a57-3f1c2e4d5a6b");

    @Test
    void shouldWriteTheDocumentedBody_whenBothIdentifiersAreKnown() {
        // Arrange
        WebhookJob job = WebhookJob.of(ID, Kind.ERASURE, "demo", new Subject(Optional.of("42"), Optional.of("a@b.uz")),
                "https://himoya.example", "crm");

        // Act
        String body = new String(job.body(), UTF_8);

        // Assert
        assertThat(body).isEqualTo("{\"requestId\":\"0b6f0c3e-8d2a-4c55-9a57-3f1c2e4d5a6b\",\"kind\":\"erasure\","
                + "\"app\":\"demo\",\"subject\":{\"id\":\"42\",\"email\":\"a@b.uz\"},"
                + "\"callback\":\"https://himoya.example/v1/callbacks/0b6f0c3e-8d2a-4c55-9a57-3f1c2e4d5a6b/crm\"}");
    }

    @Test
    void shouldLeaveAbsentIdentifiersOut_whenOnlyOneIsKnown() {
        WebhookJob job = WebhookJob.of(ID, Kind.ERASURE, "demo", new Subject(Optional.empty(), Optional.of("a@b.uz")),
                "https://himoya.example/", "crm");

        assertThat(new String(job.body(), UTF_8)).contains("\"subject\":{\"email\":\"a@b.uz\"}")
                .doesNotContain("\"id\"").doesNotContain("null");
        assertThat(job.callback()).isEqualTo(URI.create(
                "https://himoya.example/v1/callbacks/0b6f0c3e-8d2a-4c55-9a57-3f1c2e4d5a6b/crm"));
    }

    @Test
    void shouldEscapeIdentifiers_whenTheyHoldJsonCharacters() {
        WebhookJob job = WebhookJob.of(ID, Kind.ERASURE, "demo",
                new Subject(Optional.of("4\"2\\"), Optional.empty()), "https://himoya.example", "crm");

        assertThat(new String(job.body(), UTF_8)).contains("\"subject\":{\"id\":\"4\\\"2\\\\\"}");
    }

    @Test
    void shouldShowNoIdentifier_whenJobIsLogged() {
        WebhookJob job = WebhookJob.of(ID, Kind.ERASURE, "demo", new Subject(Optional.of("42"), Optional.of("a@b.uz")),
                "https://himoya.example", "crm");

        assertThat(job.toString()).doesNotContain("a@b.uz").doesNotContain("=42").contains("id given");
    }

    @Test
    void shouldRefuseASubjectWithoutIdentifiers() {
        assertThatThrownBy(() -> new Subject(Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
