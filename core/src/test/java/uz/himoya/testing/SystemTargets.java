package uz.himoya.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * Real local HTTP servers standing in for an app's webhook systems, one JVM-wide server with a path per
 * system (the system's secret name): {@code http://127.0.0.1:<port>/<secret name>}. Each system answers as
 * the test scripts it (200 with a result, any status, slow, 202), then with its default (200 with
 * {@link #DEFAULT}); every job it receives is kept for the test to read. Callbacks are the test's to send,
 * so that each test decides when, how late and how (well or badly) signed they are.
 *
 * <pre>{@code
 * SystemTargets.script("hooks-beta", SystemTargets.status(500), SystemTargets.ok(3, "contact.email"));
 * ... the worker runs ...
 * assertThat(SystemTargets.received("hooks-beta")).hasSize(2);
 * }</pre>
 */
public final class SystemTargets {
    /** The systems the test maps name (privacy-maps/demo.yaml, demo-hooks.yaml), by secret name. */
    public static final List<String> SYSTEMS = List.of("demo-crm", "hooks-alpha", "hooks-beta", "hooks-gamma",
            "hooks-delta", "hooks-search");
    public static final Answer DEFAULT = ok(2, "contact.email", "marketing.consent");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a system answers one job. */
    public sealed interface Answer {
    }

    /** 200 with a result. */
    public record Ok(long rows, List<String> categories) implements Answer {
    }

    /** Any status, with a body a system might send (never read by Himoya). */
    public record Status(int code) implements Answer {
    }

    /** Holds the reply back, then answers 200 with {@link #DEFAULT}: longer than the webhook's timeout. */
    public record Slow(Duration delay) implements Answer {
    }

    /** 202: the system will call back. */
    public record Accept() implements Answer {
    }

    /** One job as a system received it. */
    public record Received(String system, String signature, byte[] body, Instant at) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static HttpServer server;
    private static final Map<String, Deque<Answer>> SCRIPTS = new ConcurrentHashMap<>();
    private static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();

    private SystemTargets() {
    }

    public static Answer ok(long rows, String... categories) {
        return new Ok(rows, List.of(categories));
    }

    public static Answer status(int code) {
        return new Status(code);
    }

    public static Answer slow(Duration delay) {
        return new Slow(delay);
    }

    public static Answer accept() {
        return new Accept();
    }

    /** The secret each test system signs with and is configured with. */
    public static String secret(String system) {
        return "test-secret-" + system;
    }

    /** Where the system listens; starts the server on first use. */
    public static synchronized String url(String system) {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", SystemTargets::handle);
            server.start();
        }
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + system;
    }

    /** Config for every test system: its secret and its local address. */
    public static Map<String, String> config() {
        Map<String, String> p = new LinkedHashMap<>();
        for (String s : SYSTEMS) {
            p.put("himoya.webhook.\"" + s + "\".secret", secret(s));
            p.put("himoya.webhook.\"" + s + "\".url", url(s));
        }
        return p;
    }

    /** The next answers of a system, in order; after them it answers {@link #DEFAULT} again. */
    public static void script(String system, Answer... answers) {
        SCRIPTS.computeIfAbsent(system, k -> new ArrayDeque<>()).addAll(List.of(answers));
    }

    /** Forgets scripts and received jobs. */
    public static void reset() {
        SCRIPTS.clear();
        RECEIVED.clear();
    }

    public static List<Received> received(String system) {
        return RECEIVED.stream().filter(r -> r.system().equals(system)).toList();
    }

    private static void handle(HttpExchange ex) throws IOException {
        String system = ex.getRequestURI().getPath().substring(1);
        byte[] body = ex.getRequestBody().readAllBytes();
        RECEIVED.add(new Received(system, ex.getRequestHeaders().getFirst("Himoya-Signature"), body,
                Instant.now()));
        Deque<Answer> script = SCRIPTS.get(system);
        Answer answer;
        synchronized (SystemTargets.class) {
            answer = script == null || script.isEmpty() ? DEFAULT : script.poll();
        }
        switch (answer) {
            case Ok ok -> reply(ex, 200, JSON.writeValueAsString(Map.of("rows", ok.rows(), "categories",
                    ok.categories())));
            case Status s -> reply(ex, s.code(), "{\"error\":\"refused\"}");
            case Slow s -> {
                try {
                    Thread.sleep(s.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Ok ok = (Ok) DEFAULT;
                reply(ex, 200, JSON.writeValueAsString(Map.of("rows", ok.rows(), "categories", ok.categories())));
            }
            case Accept a -> reply(ex, 202, "");
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        try {
            ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (IOException e) {
            // The client gave up (a timeout): nothing left to answer.
        } finally {
            ex.close();
        }
    }
}
