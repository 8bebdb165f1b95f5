package uz.himoya.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import uz.himoya.problem.Problem;

/**
 * Refuses a header that holds a control character (NUL, VT, DEL...; RFC 9110 5.5 allows only horizontal
 * tab) before any other filter or route reads it: such a value is never a valid key, language or type, and
 * frameworks fail on it in their own ways (a bare 500 whose log line quotes the header, app key included).
 * The answer is a 400 problem+json; the log line names neither the header nor its value.
 */
public class HeaderFilter {
    private static final Logger LOG = Logger.getLogger(HeaderFilter.class);
    static final Problem PROBLEM = Problem.of(400, "bad-header", "Bad header",
            "A header holds a control character (RFC 9110 5.5).");

    @ServerRequestFilter(preMatching = true, priority = 10)
    public Response headers(ContainerRequestContext ctx) {
        for (Map.Entry<String, List<String>> h : ctx.getHeaders().entrySet()) {
            if (control(h.getKey()) || h.getValue().stream().anyMatch(HeaderFilter::control)) {
                LOG.warn("refused a request: a header holds a control character");
                return Problems.response(PROBLEM);
            }
        }
        return null;
    }

    static boolean control(String s) {
        if (s == null) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                return true;
            }
        }
        return false;
    }
}
