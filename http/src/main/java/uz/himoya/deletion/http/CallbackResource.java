package uz.himoya.deletion.http;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.util.List;
import uz.himoya.deletion.SystemCallbacks;
import uz.himoya.http.Bodies;
import uz.himoya.webhook.Callbacks;
import uz.himoya.webhook.WebhookSignature;

/**
 * Where an app's systems answer a job they took with 202 (SystemCallbacks). Not an app route and not an ops
 * route: the system signs the body with its webhook secret (Himoya-Signature), so neither key filter
 * matches /v1/callbacks; in AWS the route has no gateway authorizer either (infra PublicApi). The body is
 * read raw, because the signature covers its exact bytes.
 */
@Path("/v1/callbacks")
@Produces(MediaType.APPLICATION_JSON)
public class CallbackResource {
    private final SystemCallbacks callbacks;

    public CallbackResource(SystemCallbacks callbacks) {
        this.callbacks = callbacks;
    }

    @POST
    @Path("{requestId}/{system}")
    @Consumes(MediaType.APPLICATION_JSON)
    public SystemCallbacks.Answer receive(@PathParam("requestId") String requestId,
            @PathParam("system") String system, @Context HttpHeaders headers, InputStream body) {
        // Callbacks checks the path's shape again (a UUID, a map name), so nothing odd reaches the database.
        return callbacks.receive(Callbacks.PATH_PREFIX + requestId + "/" + system, signature(headers),
                Bodies.read(body));
    }

    /**
     * The Himoya-Signature header as sent. The Lambda HTTP adapter splits header values at commas (API Gateway
     * joins repeated headers with them), and the signature is t=..,v1=..: its parts are joined back. Two
     * signature headers would join into one with a repeated key, which WebhookSignature refuses as malformed.
     */
    private static String signature(HttpHeaders headers) {
        List<String> parts = headers.getRequestHeader(WebhookSignature.HEADER);
        return parts == null || parts.isEmpty() ? null : String.join(",", parts);
    }
}
