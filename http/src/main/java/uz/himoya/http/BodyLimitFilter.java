package uz.himoya.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Refuses a declared body over 64 KiB before anything reads it (bodies are also read with a hard cap). */
public class BodyLimitFilter {

    @ServerRequestFilter(preMatching = true, priority = 100)
    public Response limit(ContainerRequestContext ctx) {
        String length = ctx.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > Bodies.MAX_BYTES) {
                    return Problems.response(413, "payload-too-large", "Payload too large",
                            "The body is over 64 KiB.");
                }
            } catch (NumberFormatException e) {
                return Problems.response(400, "bad-content-length", "Bad Content-Length",
                        "Content-Length is not a number.");
            }
        }
        return null;
    }
}
