package uz.himoya.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static uz.himoya.webhook.LocalTargets.NAME;
import static uz.himoya.webhook.LocalTargets.SECRET;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import uz.himoya.webhook.LocalTargets.Received;
import uz.himoya.webhook.WebhookJob.Subject;
import uz.himoya.privacymap.WebhookSpec.Kind;
import uz.himoya.privacymap.WebhookSpec;
import uz.himoya.net.TargetPolicy;

/**
 * One webhook attempt against real local servers: every kind of answer, the signature they receive,
 * redirects, timeouts, TLS and the address rules. The target's name (crm.himoya.test, a reserved test
 * domain) exists in no DNS: it resolves only through the client's own resolver, so every success here also
 * shows that the HTTP client never looked the name up a second time.
 */
class WebhookClientTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Instant NOW = Instant.now();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final Set<WebhookSpec.Identifier> ID = Set.of(WebhookSpec.Identifier.ID);

    @TempDir
    static Path dir;
    private static LocalTargets targets;
    private static int httpsPort;
    private static int httpPort;

    private final WebhookJob job = WebhookJob.of(UUID.randomUUID(), Kind.ERASURE, "demo",
            new Subject(Optional.of("42"), Optional.of("a@b.uz")), "https://himoya.example", "crm");

    @BeforeAll
    static void startTargets() throws Exception {
        targets = new LocalTargets(dir);
        httpsPort = targets.https(LOOPBACK);
        httpPort = targets.http(LOOPBACK);
    }

    @AfterAll
    static void stopTargets() {
        targets.close();
    }

    @Test
    void shouldReturnDoneAndDeliverASignedJob_whenTheSystemAnswers200() {
        // Arrange
        WebhookClient client = localRun(Map.of(NAME, LOOPBACK));

        // Act
        Reply reply = client.send(spec("https://" + NAME + ":" + httpsPort + "/ok"), SECRET, job, NOW);

        // Assert
        assertThat(reply).isEqualTo(new Reply.Done(3, List.of("contact.email", "device")));
        assertThat(targets.on("/ok")).filteredOn(r -> new String(r.body()).contains(job.requestId().toString()))
                .singleElement().satisfies(r -> {
                    assertThat(r.method()).isEqualTo("POST");
                    assertThat(r.contentType()).isEqualTo("application/json");
                    assertThat(r.host()).isEqualTo(NAME + ":" + httpsPort);
                    assertThat(r.body()).isEqualTo(job.body());
                    assertThat(r.signature()).isEqualTo(WebhookSignature.sign(SECRET, job.body(), NOW));
                    assertThat(r.signatureValid()).isTrue();
                });
    }

    @Test
    void shouldReturnAccepted_whenTheSystemAnswers202() {
        assertThat(sendTo("/accepted")).isEqualTo(new Reply.Accepted());
    }

    @ParameterizedTest
    @ValueSource(strings = { "/bad-type", "/bad-category", "/negative", "/extra-field", "/not-json", "/empty", "/big" })
    void shouldFailWithBadReply_when200BodyIsNotAStrictResult(String path) {
        assertThat(sendTo(path)).isEqualTo(new Reply.Failed("webhook-bad-reply"));
    }

    @ParameterizedTest
    @CsvSource({ "500, webhook-500", "503, webhook-503", "502, webhook-502", "429, webhook-429",
            "408, webhook-408" })
    void shouldRetry_whenTheSystemAnswers5xxOrAskToComeBackLater(int status, String code) {
        assertThat(sendTo("/status/" + status)).isEqualTo(new Reply.Retry(code));
    }

    @ParameterizedTest
    @CsvSource({ "404, webhook-404", "400, webhook-400", "401, webhook-401", "410, webhook-410",
            "204, webhook-204" })
    void shouldFailKeepingTheCode_whenTheSystemAnswersAnother4xxOr2xx(int status, String code) {
        assertThat(sendTo("/status/" + status)).isEqualTo(new Reply.Failed(code));
    }

    @Test
    void shouldFailWithRedirectAndNeverFollow_whenTheSystemAnswers302() {
        // Act
        Reply https = sendTo("/redirect");
        Reply http = localRun(Map.of(NAME, LOOPBACK)).send(spec("http://" + NAME + ":" + httpPort + "/redirect"),
                SECRET, job, NOW);

        // Assert
        assertThat(https).isEqualTo(new Reply.Failed("webhook-redirect"));
        assertThat(http).isEqualTo(new Reply.Failed("webhook-redirect"));
        assertThat(targets.redirectTargetHits).hasValue(0);
    }

    @Test
    void shouldRetryWithTimeoutWithinTheSpecsTimeout_whenTheSystemIsSlow() {
        // Arrange
        WebhookSpec slow = new WebhookSpec("crm", URI.create("https://" + NAME + ":" + httpsPort + "/slow"),
                "demo-crm", Duration.ofSeconds(1), Set.of(Kind.ERASURE), ID, false, 1);
        long start = System.nanoTime();

        // Act
        Reply reply = localRun(Map.of(NAME, LOOPBACK)).send(slow, SECRET, job, NOW);

        // Assert
        assertThat(reply).isEqualTo(new Reply.Retry("webhook-timeout"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3500));
    }

    @Test
    void shouldRetryWithTimeout_whenTheNameLookupHangs() {
        WebhookClient client = new WebhookClient(targets.clientTls, true, host -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of(LOOPBACK);
        }, WebhookClient.DEFAULT_MAX_REPLY_BYTES);
        WebhookSpec spec = new WebhookSpec("crm", URI.create("https://" + NAME + ":" + httpsPort + "/ok"),
                "demo-crm", Duration.ofSeconds(1), Set.of(Kind.ERASURE), ID, false, 1);

        assertThat(client.send(spec, SECRET, job, NOW)).isEqualTo(new Reply.Retry("webhook-timeout"));
    }

    @Test
    void shouldRetryWithUnreachable_whenNothingListensOrTheNameIsUnknown() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            closedPort = s.getLocalPort();
        }

        assertThat(localRun(Map.of(NAME, LOOPBACK)).send(spec("https://" + NAME + ":" + closedPort + "/ok"), SECRET,
                job, NOW)).isEqualTo(new Reply.Retry("webhook-unreachable"));
        assertThat(localRun(Map.of()).send(spec("https://" + NAME + ":" + httpsPort + "/ok"), SECRET, job, NOW))
                .isEqualTo(new Reply.Retry("webhook-unreachable"));
    }

    @Test
    void shouldRetryWithTls_whenTheCertificateIsForAnotherNameOrUntrusted() throws Exception {
        // The connection is pinned to the checked address, but TLS is still verified against the URL's name.
        String other = "other.himoya.test";
        Reply wrongName = localRun(Map.of(other, LOOPBACK)).send(spec("https://" + other + ":" + httpsPort + "/ok"),
                SECRET, job, NOW);
        Reply untrusted = new WebhookClient(SSLContext.getDefault(), true, table(Map.of(NAME, LOOPBACK)),
                WebhookClient.DEFAULT_MAX_REPLY_BYTES).send(spec("https://" + NAME + ":" + httpsPort + "/ok"), SECRET,
                job, NOW);

        assertThat(wrongName).isEqualTo(new Reply.Retry("webhook-tls"));
        assertThat(untrusted).isEqualTo(new Reply.Retry("webhook-tls"));
    }

    @Test
    void shouldConnectToTheCheckedAddress_whenTheNameWouldResolveElsewhere() throws IOException {
        // Arrange: a server on 127.0.0.2 only; "localhost" resolves to 127.0.0.1 everywhere else in this JVM.
        InetAddress second = InetAddress.getByAddress(new byte[] { 127, 0, 0, 2 });
        int port;
        try {
            port = targets.http(second);
        } catch (IOException e) {
            assumeTrue(false, "127.0.0.2 cannot be bound here");
            return;
        }
        AtomicInteger lookups = new AtomicInteger();
        WebhookClient client = new WebhookClient(targets.clientTls, true, host -> {
            // The first answer is checked and pinned; a rebinding resolver would answer differently later.
            return lookups.incrementAndGet() == 1 ? List.of(second)
                    : List.of(InetAddress.getByName("169.254.169.254"));
        }, WebhookClient.DEFAULT_MAX_REPLY_BYTES);

        // Act
        Reply reply = client.send(spec("http://localhost:" + port + "/ok"), SECRET, job, NOW);

        // Assert
        assertThat(reply).isInstanceOf(Reply.Done.class);
        assertThat(lookups).hasValue(1);
    }

    @Test
    void shouldRefuseHttp_unlessTheClientIsForTheLocalRun() {
        WebhookSpec plain = spec("http://" + NAME + ":" + httpPort + "/ok");
        int before = targets.on("/ok").size();

        assertThat(production(Map.of(NAME, LOOPBACK)).send(plain, SECRET, job, NOW))
                .isEqualTo(new Reply.Failed("webhook-not-https"));
        assertThat(targets.on("/ok")).hasSize(before);
        assertThat(localRun(Map.of(NAME, LOOPBACK)).send(plain, SECRET, job, NOW)).isInstanceOf(Reply.Done.class);
    }

    @Test
    void shouldRefuseLoopbackAndMetadata_evenWithAllowPrivate() throws UnknownHostException {
        WebhookSpec vpc = spec("https://" + NAME + ":" + httpsPort + "/ok", true);
        InetAddress metadata = InetAddress.getByName("169.254.169.254");

        assertThat(production(Map.of(NAME, LOOPBACK)).send(vpc, SECRET, job, NOW))
                .isEqualTo(new Reply.Failed("webhook-private-address"));
        assertThat(localRun(Map.of(NAME, metadata)).send(vpc, SECRET, job, NOW))
                .isEqualTo(new Reply.Failed("webhook-private-address"));
    }

    @Test
    void shouldRefuseWhenAnyAddressIsPrivate_unlessAllowPrivate() throws UnknownHostException {
        WebhookClient client = new WebhookClient(targets.clientTls, false,
                host -> List.of(InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.8")),
                WebhookClient.DEFAULT_MAX_REPLY_BYTES);

        assertThat(client.send(spec("https://" + NAME + "/ok"), SECRET, job, NOW))
                .isEqualTo(new Reply.Failed("webhook-private-address"));
    }

    @Test
    void shouldReachAPrivateTarget_onlyWithAllowPrivate() throws IOException {
        // Arrange: an HTTPS server on this machine's own private (VPC-like) address, as in production.
        Optional<InetAddress> own = privateAddress();
        assumeTrue(own.isPresent(), "this machine has no private non-loopback address");
        int port = targets.https(own.get());
        WebhookClient client = production(Map.of(NAME, own.get()));
        String url = "https://" + NAME + ":" + port + "/ok";

        // Act
        Reply refused = client.send(spec(url, false), SECRET, job, NOW);
        Reply allowed = client.send(spec(url, true), SECRET, job, NOW);

        // Assert
        assertThat(refused).isEqualTo(new Reply.Failed("webhook-private-address"));
        assertThat(allowed).isEqualTo(new Reply.Done(3, List.of("contact.email", "device")));
    }

    @Test
    void shouldFailWithBadUrl_whenTheSpecsUrlHasNoHost() {
        // InetAddress would read a missing host as loopback; the client must not get that far.
        assertThat(localRun(Map.of()).send(spec("https:///ok"), SECRET, job, NOW))
                .isEqualTo(new Reply.Failed("webhook-bad-url"));
    }

    @Test
    void shouldRefuseAJobOfAKindTheSystemDoesNotTake() {
        WebhookSpec accessOnly = new WebhookSpec("crm", URI.create("https://" + NAME + "/ok"), "demo-crm", TIMEOUT,
                Set.of(Kind.ACCESS), ID, false, 1);

        assertThatThrownBy(() -> localRun(Map.of(NAME, LOOPBACK)).send(accessOnly, SECRET, job, NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private Reply sendTo(String path) {
        return localRun(Map.of(NAME, LOOPBACK)).send(spec("https://" + NAME + ":" + httpsPort + path), SECRET, job,
                NOW);
    }

    private static WebhookSpec spec(String url) {
        return spec(url, false);
    }

    private static WebhookSpec spec(String url, boolean allowPrivate) {
        return new WebhookSpec("crm", URI.create(url), "demo-crm", TIMEOUT, Set.of(Kind.ERASURE), ID, allowPrivate,
                1);
    }

    /** The local run's client: loopback and http allowed, trusting the test certificate. */
    private static WebhookClient localRun(Map<String, InetAddress> names) {
        return new WebhookClient(targets.clientTls, true, table(names), WebhookClient.DEFAULT_MAX_REPLY_BYTES);
    }

    /** Production rules, trusting the test certificate. */
    private static WebhookClient production(Map<String, InetAddress> names) {
        return new WebhookClient(targets.clientTls, false, table(names), WebhookClient.DEFAULT_MAX_REPLY_BYTES);
    }

    private static WebhookClient.Resolver table(Map<String, InetAddress> names) {
        return host -> {
            InetAddress a = names.get(host);
            if (a == null) {
                throw new UnknownHostException("not in the test table");
            }
            return List.of(a);
        };
    }

    private static Optional<InetAddress> privateAddress() throws SocketException, UnknownHostException {
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!n.isUp() || n.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(n.getInetAddresses())) {
                if (TargetPolicy.range(a) == TargetPolicy.Range.PRIVATE) {
                    // Without the interface's scope (fd00::2%eth0), as a DNS answer would give it.
                    return Optional.of(InetAddress.getByAddress(a.getAddress()));
                }
            }
        }
        return Optional.empty();
    }
}
