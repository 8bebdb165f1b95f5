package uz.himoya.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import java.util.Map;
import org.jboss.logging.Logger;
import uz.himoya.problem.Problem;

/**
 * Checks the headers of each API Gateway event before Quarkus' Lambda HTTP handler turns it into a Netty
 * request: Netty refuses a control character in a header with an exception that handler logs with the
 * header's value (an app key, say) and a stack trace, and answers a bare 500. Here such an event gets a 400
 * problem+json, and the log line names neither the header nor its value. (HeaderFilter checks the same for
 * requests that reach Quarkus REST another way.) A path or query string that is not valid percent-encoding
 * (or encodes a control character) is refused here too: the HTTP layer under Quarkus REST would answer a
 * bare 400 without problem+json.
 */
@Decorator
@Priority(10)
public abstract class HeaderGuard implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final Logger LOG = Logger.getLogger(HeaderGuard.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    @Delegate
    @Any
    RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> delegate;

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        if (event != null && (bad(event.getHeaders()) || (event.getCookies() != null
                && event.getCookies().stream().anyMatch(HeaderFilter::control)))) {
            LOG.warn("refused a request: a header holds a control character");
            return refuse(HeaderFilter.PROBLEM);
        }
        if (event != null && (badEncoding(event.getRawPath()) || badEncoding(event.getRawQueryString()))) {
            // The HTTP layer under Quarkus REST refuses these with a bare 400 before any filter runs.
            LOG.warn("refused a request: its path or query is not valid percent-encoding");
            return refuse(BAD_URI);
        }
        return delegate.handleRequest(event, context);
    }

    static final Problem BAD_URI = Problem.of(400, "bad-uri", "Bad URI",
            "The path or the query string is not valid percent-encoding, or encodes a control character"
                    + " (RFC 3986 2.1).");

    /** A '%' not followed by two hex digits, or an encoded control character. */
    static boolean badEncoding(String raw) {
        if (raw == null) {
            return false;
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0
                        || Character.digit(raw.charAt(i + 2), 16) < 0) {
                    return true;
                }
                int decoded = Integer.parseInt(raw.substring(i + 1, i + 3), 16);
                if (decoded < 0x20 || decoded == 0x7F) {
                    return true;
                }
            } else if (c < 0x20 || c == 0x7F) {
                return true;
            }
        }
        return false;
    }

    private static boolean bad(Map<String, String> headers) {
        return headers != null && headers.entrySet().stream()
                .anyMatch(h -> HeaderFilter.control(h.getKey()) || HeaderFilter.control(h.getValue()));
    }

    private static APIGatewayV2HTTPResponse refuse(Problem problem) {
        try {
            APIGatewayV2HTTPResponse r = new APIGatewayV2HTTPResponse();
            r.setStatusCode(400);
            r.setHeaders(Map.of("Content-Type", Problems.MEDIA_TYPE));
            r.setBody(JSON.writeValueAsString(Problems.body(problem)));
            r.setIsBase64Encoded(false);
            return r;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
