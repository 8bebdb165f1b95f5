package uz.himoya.http;

import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uz.himoya.problem.Problem;

/** RFC 9457 problem+json responses. Never a stack trace, never a submitted value. */
public final class Problems {
    public static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    public static Response response(Problem p, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:himoya:problem:" + p.type());
        body.put("title", p.title());
        body.put("status", p.status());
        body.put("detail", p.getMessage());
        if (instance != null) {
            body.put("instance", instance);
        }
        if (!p.errors().isEmpty()) {
            body.put("errors", p.errors());
        }
        Response.ResponseBuilder b = Response.status(p.status()).type(MEDIA_TYPE).entity(body);
        p.headers().forEach(b::header);
        return b.build();
    }

    public static Response response(int status, String type, String title, String detail, String instance) {
        return response(new Problem(status, type, title, detail, List.of(), Map.of()), instance);
    }
}
