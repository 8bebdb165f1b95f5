package uz.himoya.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * API Gateway HTTP API (payload format 2.0) on loopback: each HTTP request becomes the event API Gateway
 * would send, the function's answer becomes the HTTP response. Only for the local run.
 */
public final class LocalGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final LocalLambda function;

    public LocalGateway(int port, LocalLambda function) throws IOException {
        this.function = function;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String out;
            try {
                out = function.invoke(event(ex, body), Duration.ofSeconds(30));
            } catch (RuntimeException e) {
                // What API Gateway answers when the integration fails.
                send(ex, 502, Map.of("Content-Type", "application/json"),
                        "{\"message\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            JsonNode r = JSON.readTree(out);
            byte[] responseBody = r.path("body").isMissingNode() || r.path("body").isNull() ? new byte[0]
                    : r.path("isBase64Encoded").asBoolean() ? Base64.getDecoder().decode(r.path("body").asText())
                            : r.path("body").asText().getBytes(StandardCharsets.UTF_8);
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = r.path("headers").fields(); it.hasNext();) {
                var h = it.next();
                headers.put(h.getKey(), h.getValue().asText());
            }
            send(ex, r.path("statusCode").asInt(200), headers, responseBody);
        }
    }

    private static String event(HttpExchange ex, byte[] body) throws IOException {
        ObjectNode e = JSON.createObjectNode();
        String path = ex.getRequestURI().getRawPath();
        String query = ex.getRequestURI().getRawQuery();
        e.put("version", "2.0").put("routeKey", "$default").put("rawPath", path)
                .put("rawQueryString", query == null ? "" : query);
        ObjectNode headers = e.putObject("headers");
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        ObjectNode ctx = e.putObject("requestContext");
        ctx.put("accountId", "000000000000").put("apiId", "local").put("domainName", "localhost")
                .put("requestId", UUID.randomUUID().toString()).put("routeKey", "$default").put("stage", "$default")
                .put("timeEpoch", System.currentTimeMillis());
        ctx.putObject("http").put("method", ex.getRequestMethod()).put("path", path).put("protocol", "HTTP/1.1")
                .put("sourceIp", ex.getRemoteAddress().getAddress().getHostAddress())
                .put("userAgent", ex.getRequestHeaders().getFirst("User-Agent"));
        if (body.length > 0) {
            e.put("body", Base64.getEncoder().encodeToString(body)).put("isBase64Encoded", true);
        } else {
            e.put("isBase64Encoded", false);
        }
        return JSON.writeValueAsString(e);
    }

    private static void send(HttpExchange ex, int status, Map<String, String> headers, byte[] body)
            throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
