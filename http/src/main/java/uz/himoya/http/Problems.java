package uz.himoya.http;

import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import uz.himoya.problem.Problem;

/**
 * RFC 9457 problem+json responses. Never a stack trace, never a submitted value. No "instance" member:
 * the request's path can hold personal data (a subject id, an address mistyped into a path segment), and
 * it would land in the caller's logs.
 */
public final class Problems {
    public static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    public static Response response(Problem p) {
        Response.ResponseBuilder b = Response.status(p.status()).type(MEDIA_TYPE).entity(body(p));
        p.headers().forEach(b::header);
        return b.build();
    }

    public static Response response(int status, String type, String title, String detail) {
        return response(new Problem(status, type, title, detail, List.of(), Map.of()));
    }

    /** The members, also for answers written outside Quarkus REST (see HeaderGuard). */
    public static Map<String, Object> body(Problem p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:himoya:problem:" + p.type());
        body.put("title", p.title());
        body.put("status", p.status());
        body.put("detail", p.getMessage());
        if (!p.errors().isEmpty()) {
            body.put("errors", p.errors());
        }
        return body;
    }
}
