package uz.himoya.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.amazon.lambda.runtime.AmazonLambdaRecorder;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.deletion.DeletionService;
import uz.himoya.snapstart.Primer;
import uz.himoya.snapstart.Primers;

/**
 * SnapStart priming of the HTTP function (see uz.himoya.snapstart.SnapStartPriming): API Gateway events
 * through the very handler Lambda calls, for requests that change nothing (an intake and a status read
 * with a key no app has, both 401 after the key lookup; the confirm page and its form post for a token
 * nobody holds), and the intake's own statements rolled back.
 */
@ApplicationScoped
public class HttpPrimer implements Primer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeletionService deletions;
    private final HimoyaConfig config;

    public HttpPrimer(DeletionService deletions, HimoyaConfig config) {
        this.deletions = deletions;
        this.config = config;
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public void prime() throws Exception {
        config.apps().forEach(deletions::primeIntake);
        String noKey = "Bearer priming-" + UUID.randomUUID();
        String body = "{\"subject\":{\"id\":\"priming\"},\"verified\":true}";
        Context context = Primers.stub(Context.class);
        for (String event : List.of(event("POST", "/v1/deletion-requests", "", noKey, body),
                event("GET", "/v1/deletion-requests/" + UUID.randomUUID(), "", noKey, null),
                event("GET", "/v1/confirm", "token=" + HexFormat.of().formatHex(new byte[32]), null, null),
                form("/v1/confirm", "token=" + HexFormat.of().formatHex(new byte[32])))) {
            // What QuarkusStreamHandler.handleRequest does once Quarkus has started (as it has when the hook runs).
            AmazonLambdaRecorder.handle(new ByteArrayInputStream(event.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    new ByteArrayOutputStream(), context);
        }
    }

    /** A form POST (the confirm page's button), as an API Gateway event. */
    private static String form(String path, String body) throws Exception {
        ObjectNode e = (ObjectNode) JSON.readTree(event("POST", path, "", null, body));
        ((ObjectNode) e.get("headers")).put("content-type", "application/x-www-form-urlencoded")
                .put("accept", "text/html");
        return JSON.writeValueAsString(e);
    }

    /** An API Gateway HTTP API (payload 2.0) event. */
    private static String event(String method, String path, String query, String authorization, String body)
            throws Exception {
        ObjectNode e = JSON.createObjectNode();
        e.put("version", "2.0").put("routeKey", "$default").put("rawPath", path).put("rawQueryString", query);
        ObjectNode headers = e.putObject("headers").put("accept", "application/json")
                .put("accept-language", "uz").put("content-type", "application/json");
        if (authorization != null) {
            headers.put("authorization", authorization);
        }
        ObjectNode ctx = e.putObject("requestContext");
        ctx.put("requestId", "priming").put("stage", "$default").put("routeKey", "$default")
                .put("timeEpoch", System.currentTimeMillis());
        ctx.putObject("http").put("method", method).put("path", path).put("protocol", "HTTP/1.1")
                .put("sourceIp", "127.0.0.1").put("userAgent", "himoya-priming");
        if (body != null) {
            e.put("body", body);
        }
        e.put("isBase64Encoded", false);
        return JSON.writeValueAsString(e);
    }
}
