package uz.himoya.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import software.amazon.awssdk.core.exception.SdkClientException;
import uz.himoya.db.SqlErrors;
import uz.himoya.problem.Problem;

/**
 * Maps every failure to problem+json. A client's mistake is a 4xx; 503 ("retry later") only when a
 * dependency could not be reached, which rolled the work back; anything else is a 500, which a client
 * should not retry blindly. Unexpected failures are logged by type and code only (messages may hold data).
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(Problem p) {
        return Problems.response(p);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return Problems.response(400, "malformed-json", "Malformed JSON", "The body is not valid JSON.");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e instanceof NotSupportedException) {
            return Problems.response(415, "unsupported-media-type", "Unsupported media type",
                    "This route does not take a body of that Content-Type.");
        }
        if (e instanceof NotFoundException) {
            return Problems.response(404, "not-found", "Not found", "No such resource.");
        }
        if (e instanceof NotAllowedException) {
            return Problems.response(405, "method-not-allowed", "Method not allowed",
                    "This resource does not accept that method.");
        }
        if (e instanceof NotAcceptableException) {
            return Problems.response(406, "not-acceptable", "Not acceptable",
                    "This resource answers application/json or text/html.");
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        return Problems.response(status, "http-" + status, known == null ? "Error" : known.getReasonPhrase(),
                "The request was refused.");
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (SqlErrors.transientFailure(e) || causedBy(e, SdkClientException.class)) {
            LOG.warnf("dependency unavailable: %s (%s)", e.getClass().getName(), SqlErrors.code(e));
            return Problems.response(503, "unavailable", "Temporarily unavailable",
                    "A service Himoya depends on could not be reached; nothing was changed. Retry later.");
        }
        LOG.errorf("unexpected %s (%s)", e.getClass().getName(), SqlErrors.code(e));
        return Problems.response(500, "internal-error", "Internal error",
                "The request failed inside Himoya. Retrying the same request will not help until this is fixed.");
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
