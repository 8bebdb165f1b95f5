package uz.himoya.local;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import uz.himoya.webhook.WebhookSignature;

/**
 * The local run's demo webhook system: the demo shop's CRM (privacy-maps/demo.yaml, webhook {@code crm}),
 * which keeps a contact card and a newsletter consent for each demo user outside the shop's database. It
 * takes Himoya's signed jobs on {@code POST /himoya/jobs} as a real system would:
 * <ul>
 * <li>a job whose signature does not verify (secret, replay window) is refused with 401;</li>
 * <li>otherwise the subject's records are erased and the result reported: in {@link Mode#CALL_BACK} (the
 * local run) it answers 202 and, a moment later, POSTs the signed result to the job's callback URL,
 * trying again a few times if Himoya cannot be reached; in {@link Mode#ANSWER} it answers 200 with it;</li>
 * <li>a job seen again (Himoya retries after a lost reply) gets the first result again: the job is
 * idempotent by its request id.</li>
 * </ul>
 * Not deployed; it logs request ids only.
 */
public final class DemoSystem implements AutoCloseable {
    public static final int PORT = 8090;
    public static final String PATH = "/himoya/jobs";
    /** A fixed secret for the local run only (himoya.webhook."demo-crm".secret); never use it anywhere else. */
    public static final String LOCAL_SECRET = "demo-crm-secret-local-run-only";
    static final List<String> CATEGORIES = List.of("contact.email", "marketing.consent");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the system reports its result. */
    public enum Mode {
        /** 202 now, the signed callback shortly after (what most real CRMs do with bulk erasures). */
        CALL_BACK,
        /** 200 with the result at once. */
        ANSWER
    }

    private final HttpServer server;
    private final String secret;
    private final Mode mode;
    private final Duration delay;
    /** The CRM's records: demo user id to how many records it holds of them. */
    private final Map<String, Integer> records = new ConcurrentHashMap<>();
    /** Results already reported, by request id. */
    private final Map<String, Integer> results = new ConcurrentHashMap<>();
    private final ScheduledExecutorService callbacks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-system-callbacks");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** port 0 picks a free one. */
    public DemoSystem(int port, String secret, Mode mode, Duration delay) throws IOException {
        this.secret = secret;
        this.mode = mode;
        this.delay = delay;
        for (String id : Set.of("1001", "1002", "1003", "1004", "1005", "1006")) {
            records.put(id, 2); // a contact card and a newsletter consent
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(PATH, this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** Records the CRM still holds of a demo user. */
    public int records(String subjectId) {
        return records.getOrDefault(subjectId, 0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("POST")) {
                reply(ex, 405, "");
                return;
            }
            byte[] body = ex.getRequestBody().readNBytes(64 * 1024);
            try {
                WebhookSignature.verify(secret, ex.getRequestHeaders().getFirst(WebhookSignature.HEADER), body,
                        Instant.now());
            } catch (WebhookSignature.Rejected e) {
                reply(ex, 401, "{\"error\":\"signature\"}");
                return;
            }
            JsonNode job = JSON.readTree(body);
            String requestId = job.path("requestId").asText();
            String subject = job.path("subject").path("id").asText();
            int rows = results.computeIfAbsent(requestId, k -> {
                Integer had = records.remove(subject);
                return had == null ? 0 : had;
            });
            System.out.println("[demo-system] job for request " + requestId + ": " + rows + " records erased");
            if (mode == Mode.ANSWER) {
                reply(ex, 200, JSON.writeValueAsString(result(null, rows)));
                return;
            }
            reply(ex, 202, "");
            URI callback = URI.create(job.path("callback").asText());
            callbacks.schedule(() -> callBack(callback, requestId, rows, 1), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void callBack(URI callback, String requestId, int rows, int attempt) {
        try {
            byte[] body = JSON.writeValueAsBytes(result(requestId, rows));
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(callback).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header(WebhookSignature.HEADER, WebhookSignature.sign(secret, body, Instant.now()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            System.out.println("[demo-system] callback for request " + requestId + ": " + r.statusCode());
            if (r.statusCode() < 500) {
                return; // 200 taken, or a 4xx that a retry would not change
            }
        } catch (IOException e) {
            System.out.println("[demo-system] callback for request " + requestId + " not delivered ("
                    + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (attempt < 5) {
            callbacks.schedule(() -> callBack(callback, requestId, rows, attempt + 1), 2L * attempt, TimeUnit.SECONDS);
        }
    }

    private static Map<String, Object> result(String requestId, int rows) {
        Map<String, Object> r = new LinkedHashMap<>();
        if (requestId != null) {
            r.put("requestId", requestId);
            r.put("status", "done");
        }
        r.put("rows", rows);
        r.put("categories", CATEGORIES);
        return r;
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        callbacks.shutdownNow();
        server.stop(0);
        http.close();
    }
}
