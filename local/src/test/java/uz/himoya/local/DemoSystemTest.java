package uz.himoya.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import uz.himoya.privacymap.WebhookSpec;
import uz.himoya.webhook.Callbacks;
import uz.himoya.webhook.Reply;
import uz.himoya.webhook.WebhookClient;
import uz.himoya.webhook.WebhookJob;

/**
 * The local run's demo webhook system, driven by Himoya's own webhook client over real HTTP, with a real
 * local server in place of Himoya's callback route.
 */
class DemoSystemTest {
    private HttpServer himoya;
    private final LinkedBlockingQueue<String[]> callbacks = new LinkedBlockingQueue<>();

    @BeforeEach
    void startCallbackReceiver() throws Exception {
        himoya = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        himoya.createContext("/v1/callbacks/", ex -> {
            callbacks.add(new String[] { ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst(
                    "Himoya-Signature"), new String(ex.getRequestBody().readAllBytes()) });
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        himoya.start();
    }

    @AfterEach
    void stop() {
        himoya.stop(0);
    }

    @Test
    void shouldAcceptAndCallBackSigned_whenTheLocalRunSendsAJob() throws Exception {
        try (DemoSystem crm = new DemoSystem(0, DemoSystem.LOCAL_SECRET, DemoSystem.Mode.CALL_BACK,
                Duration.ofMillis(100))) {
            // Arrange
            UUID id = UUID.randomUUID();
            WebhookJob job = job(id, "1001");

            // Act
            Reply reply = client().send(spec(crm), DemoSystem.LOCAL_SECRET, job, Instant.now());
            String[] callback = callbacks.poll(10, TimeUnit.SECONDS);

            // Assert: 202, then a callback Himoya verifies, for the request and its system
            assertThat(reply).isEqualTo(new Reply.Accepted());
            assertThat(callback).isNotNull();
            Callbacks.Target target = Callbacks.target(callback[0]);
            assertThat(target).isEqualTo(new Callbacks.Target(id, "crm"));
            assertThat(Callbacks.verify(DemoSystem.LOCAL_SECRET, target, callback[1], callback[2].getBytes(),
                    Instant.now())).isEqualTo(new Callbacks.Outcome.Done(2, DemoSystem.CATEGORIES));
            assertThat(crm.records("1001")).isZero();
        }
    }

    @Test
    void shouldAnswerTheFirstResultAgain_whenTheSameJobComesTwice_andRefuseABadSignature() throws Exception {
        try (DemoSystem crm = new DemoSystem(0, DemoSystem.LOCAL_SECRET, DemoSystem.Mode.ANSWER, Duration.ZERO)) {
            WebhookJob job = job(UUID.randomUUID(), "1002");

            Reply first = client().send(spec(crm), DemoSystem.LOCAL_SECRET, job, Instant.now());
            Reply again = client().send(spec(crm), DemoSystem.LOCAL_SECRET, job, Instant.now());
            Reply forged = client().send(spec(crm), "not-the-secret", job(UUID.randomUUID(), "1003"), Instant.now());

            assertThat(first).isEqualTo(new Reply.Done(2, DemoSystem.CATEGORIES));
            assertThat(again).isEqualTo(first);
            assertThat(forged).isEqualTo(new Reply.Failed("webhook-401"));
            assertThat(crm.records("1003")).isEqualTo(2);
        }
    }

    private WebhookJob job(UUID id, String subject) {
        return WebhookJob.of(id, WebhookSpec.Kind.ERASURE, "demo", new WebhookJob.Subject(Optional.of(subject),
                Optional.empty()), "http://127.0.0.1:" + himoya.getAddress().getPort(), "crm");
    }

    private static WebhookSpec spec(DemoSystem crm) {
        return new WebhookSpec("crm", URI.create(crm.url()), "demo-crm", Duration.ofSeconds(5),
                Set.of(WebhookSpec.Kind.ERASURE), Set.of(WebhookSpec.Identifier.ID), false, 1);
    }

    private static WebhookClient client() throws Exception {
        return new WebhookClient(SSLContext.getDefault(), true, host -> List.of(InetAddress.getByName(host)),
                WebhookClient.DEFAULT_MAX_REPLY_BYTES);
    }
}
