package uz.himoya.webhook;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Real HTTP and HTTPS servers standing in for a system behind a webhook, each route one way of answering.
 * The HTTPS certificate is made at test time with the JDK's keytool, for the name {@link #NAME} and
 * 127.0.0.1, so nothing secret is checked in and nothing expires in the repository.
 */
final class LocalTargets implements AutoCloseable {
    static final String NAME = "crm.himoya.test";
    static final String SECRET = "crm-secret-value";
    static final String DONE = "{\"rows\":3,\"categories\":[\"contact.email\",\"device\"]}";
    /** An access job's 200: what the system holds of the subject. */
    static final String DATA = "{\"records\":["
            + "{\"category\":\"contact.name\",\"fields\":{\"first_name\":\"Dilnoza\",\"last_name\":\"Karimova\"}},"
            + "{\"category\":\"financial.amount\",\"fields\":{\"lifetime_value\":1250.5,\"orders\":7,"
            + "\"vip\":true,\"note\":null}}]}";
    private static final char[] PASSWORD = "changeit".toCharArray();

    /** What a route saw of one request. */
    record Received(String path, String method, String contentType, String host, String signature, byte[] body,
            boolean signatureValid) {
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger redirectTargetHits = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final SSLContext serverTls;
    final SSLContext clientTls;

    LocalTargets(Path dir) throws Exception {
        Path store = dir.resolve("target.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "target", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + NAME, "-ext", "SAN=dns:" + NAME + ",ip:127.0.0.1", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit", "-noprompt").redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), UTF_8);
        if (!keytool.waitFor(30, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("target", keys.getCertificate("target"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tmf.getTrustManagers(), null);
    }

    /** An HTTPS server on the address (port chosen by the system); its port. */
    int https(InetAddress address) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(address, 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        return start(s, "https");
    }

    /** A plain HTTP server on the address; its port. */
    int http(InetAddress address) throws IOException {
        return start(HttpServer.create(new InetSocketAddress(address, 0), 0), "http");
    }

    private int start(HttpServer s, String scheme) {
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/", ex -> route(ex, scheme, s.getAddress().getPort()));
        s.start();
        servers.add(s);
        return s.getAddress().getPort();
    }

    private void route(HttpExchange ex, String scheme, int port) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        String path = ex.getRequestURI().getPath();
        String signature = ex.getRequestHeaders().getFirst(WebhookSignature.HEADER);
        boolean valid;
        try {
            WebhookSignature.verify(SECRET, signature, body, Instant.now());
            valid = true;
        } catch (RuntimeException e) {
            valid = false;
        }
        received.add(new Received(path, ex.getRequestMethod(), ex.getRequestHeaders().getFirst("Content-Type"),
                ex.getRequestHeaders().getFirst("Host"), signature, body, valid));
        switch (path) {
            case "/ok" -> reply(ex, 200, DONE);
            case "/bad-type" -> reply(ex, 200, "{\"rows\":\"3\",\"categories\":[]}");
            case "/bad-category" -> reply(ex, 200, "{\"rows\":1,\"categories\":[\"contact.shoe-size\"]}");
            case "/negative" -> reply(ex, 200, "{\"rows\":-1,\"categories\":[]}");
            case "/extra-field" -> reply(ex, 200, "{\"rows\":1,\"categories\":[],\"email\":\"a@b.uz\"}");
            case "/not-json" -> reply(ex, 200, "thanks!");
            case "/empty" -> reply(ex, 200, "");
            case "/big" -> reply(ex, 200, "{\"rows\":1,\"categories\":[],\"pad\":\"" + "x".repeat(70_000) + "\"}");
            case "/accepted" -> reply(ex, 202, "");
            case "/data" -> reply(ex, 200, DATA);
            case "/data-none" -> reply(ex, 200, "{\"records\":[]}");
            case "/data-nested" -> reply(ex, 200, record("contact.address",
                    "\"address\":{\"city\":\"Tashkent\",\"street\":\"Amir Temur 1\"}"));
            case "/data-array" -> reply(ex, 200, record("contact.phone", "\"phones\":[\"+998901234567\"]"));
            case "/data-category" -> reply(ex, 200, record("contact.shoe-size", "\"size\":\"Dilnoza wears 38\""));
            case "/data-duplicate" -> reply(ex, 200, record("contact.name",
                    "\"first_name\":\"Dilnoza\",\"first_name\":\"Aziza\""));
            case "/data-no-name" -> reply(ex, 200, record("contact.name", "\"\":\"Dilnoza\""));
            case "/data-no-fields" -> reply(ex, 200, "{\"records\":[{\"category\":\"contact.name\",\"fields\":{}}]}");
            case "/data-extra" -> reply(ex, 200, "{\"records\":[{\"category\":\"contact.name\",\"fields\":"
                    + "{\"first_name\":\"Dilnoza\"},\"source\":\"crm\"}]}");
            case "/data-malformed" -> reply(ex, 200, "{\"records\":[{\"category\":\"contact.name\",\"fields\":"
                    + "{\"first_name\":\"Dilnoza\"");
            case "/data-too-many" -> reply(ex, 200, "{\"records\":[" + String.join(",",
                    Collections.nCopies(1001, "{\"category\":\"device\",\"fields\":{\"a\":1}}")) + "]}");
            case "/data-big" -> reply(ex, 200, record("content.free-text",
                    "\"note\":\"" + "Dilnoza ".repeat(9000) + "\""));
            case "/redirect" -> {
                ex.getResponseHeaders().add("Location", scheme + "://127.0.0.1:" + port + "/redirect-target");
                reply(ex, 302, "");
            }
            case "/redirect-target" -> {
                redirectTargetHits.incrementAndGet();
                reply(ex, 200, DONE);
            }
            case "/slow" -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                reply(ex, 200, DONE);
            }
            default -> reply(ex, path.startsWith("/status/") ? Integer.parseInt(path.substring(8)) : 404,
                    "{\"error\":\"a@b.uz not found\"}");
        }
    }

    /** An access 200 of one record of the category with the fields' members. */
    private static String record(String category, String members) {
        return "{\"records\":[{\"category\":\"" + category + "\",\"fields\":{" + members + "}}]}";
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(UTF_8);
        boolean none = bytes.length == 0 || status == 204;
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, none ? -1 : bytes.length);
        if (!none) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }

    /** Requests the routes saw on one path. */
    List<Received> on(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        release.countDown();
        servers.forEach(s -> s.stop(0));
    }
}
