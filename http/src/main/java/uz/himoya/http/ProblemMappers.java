package uz.himoya.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import uz.himoya.problem.Problem;

/** Maps every failure to problem+json; the unexpected ones are logged by type only (messages may hold data). */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(Problem p, UriInfo uri) {
        return Problems.response(p, uri.getPath());
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        return Problems.response(400, "malformed-json", "Malformed JSON", "The body is not valid JSON.",
                uri.getPath());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (e instanceof NotSupportedException) {
            return Problems.response(415, "unsupported-media-type", "Unsupported media type",
                    "Send the body as application/json.", uri.getPath());
        }
        if (e instanceof NotFoundException) {
            return Problems.response(404, "not-found", "Not found", "No such resource.", uri.getPath());
        }
        if (e instanceof NotAllowedException) {
            return Problems.response(405, "method-not-allowed", "Method not allowed",
                    "This resource does not accept that method.", uri.getPath());
        }
        if (e instanceof NotAcceptableException) {
            return Problems.response(406, "not-acceptable", "Not acceptable",
                    "This resource answers application/json or text/html.", uri.getPath());
        }
        return Problems.response(status, "http-" + status, Response.Status.fromStatusCode(status) == null
                ? "Error" : Response.Status.fromStatusCode(status).getReasonPhrase(), "The request was refused.",
                uri.getPath());
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        LOG.errorf("unexpected %s on %s", e.getClass().getName(), uri.getPath());
        return Problems.response(503, "unavailable", "Temporarily unavailable",
                "The request could not be completed; nothing was changed. Retry later.", uri.getPath());
    }
}
