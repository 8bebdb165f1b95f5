package uz.himoya.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Lambda's Invoke API on loopback (POST /2015-03-31/functions/{name}/invocations), so a scheduled function
 * is triggered locally the way EventBridge Scheduler or `aws lambda invoke` triggers it in AWS: with the
 * event JSON as the body, the function's answer as the response.
 */
public final class LocalInvokeApi implements AutoCloseable {
    private static final String PREFIX = "/2015-03-31/functions/";
    private final HttpServer server;

    public LocalInvokeApi(int port, Map<String, LocalLambda> functions) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext(PREFIX, ex -> handle(ex, functions));
        server.start();
    }

    private static void handle(HttpExchange ex, Map<String, LocalLambda> functions) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String name = path.substring(PREFIX.length()).replaceFirst("/invocations$", "");
            LocalLambda fn = functions.get(name);
            if (fn == null || !ex.getRequestMethod().equals("POST")) {
                send(ex, 404, "{\"message\":\"no function " + name.replaceAll("[^a-z-]", "") + "; known: "
                        + functions.keySet() + "\"}");
                return;
            }
            String event = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                send(ex, 200, fn.invoke(event.isBlank() ? "{}" : event, Duration.ofMinutes(15)));
            } catch (LocalLambda.FunctionError e) {
                // Lambda answers 200 with X-Amz-Function-Error and the error document.
                ex.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
                send(ex, 200, e.getMessage());
            }
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
