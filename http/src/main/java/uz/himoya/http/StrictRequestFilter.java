package uz.himoya.http;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import uz.himoya.json.StrictJson;
import uz.himoya.problem.Problem;

/**
 * The request's envelope, checked before any route reads it; nothing ambiguous gets through:
 * <ul>
 * <li>Content-Type must be well-formed (RFC 9110 8.3.1); a route that takes a body needs one; a JSON or CSV
 * body, which Himoya decodes as UTF-8, may not declare another charset (415);</li>
 * <li>a query parameter the route does not declare, or one given twice, is a 422 (a misspelt ?dryrun=true
 * must not register a real incident). The subject's confirm page is spared: mail clients add their own
 * parameters to links.</li>
 * </ul>
 */
public class StrictRequestFilter {
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final Pattern MEDIA_TYPE = Pattern.compile("(" + TOKEN + ")/(" + TOKEN + ")((?:[ \t]*;[ \t]*"
            + TOKEN + "=(?:" + TOKEN + "|\"(?:[^\"\\\\\\x00-\\x08\\x0A-\\x1F\\x7F]|\\\\.)*\"))*)[ \t]*");
    private static final Pattern PARAM = Pattern.compile(";[ \t]*(" + TOKEN + ")=(" + TOKEN + "|\"(?:[^\"\\\\]|\\\\.)*\")");
    private static final Set<String> UTF8_ONLY = Set.of("application/json", "text/csv");

    @ServerRequestFilter(preMatching = true, priority = 50)
    public Response contentType(ContainerRequestContext ctx) {
        String header = ctx.getHeaderString(HttpHeaders.CONTENT_TYPE);
        if (header == null) {
            return null;
        }
        Matcher m = MEDIA_TYPE.matcher(header.strip());
        if (!m.matches()) {
            return unsupported("Content-Type is malformed; send e.g. application/json.");
        }
        String type = (m.group(1) + "/" + m.group(2)).toLowerCase(Locale.ROOT);
        Matcher p = PARAM.matcher(m.group(3));
        while (p.find()) {
            String value = p.group(2).replace("\"", "");
            if (p.group(1).equalsIgnoreCase("charset") && UTF8_ONLY.contains(type)
                    && !value.equalsIgnoreCase("utf-8")) {
                return unsupported("The body must be UTF-8: a charset other than utf-8 is refused.");
            }
        }
        return null;
    }

    @ServerRequestFilter(priority = 60)
    public Response route(ContainerRequestContext ctx, ResourceInfo info) {
        Method method = info.getResourceMethod();
        if (method == null) {
            return null;
        }
        Consumes consumes = method.isAnnotationPresent(Consumes.class) ? method.getAnnotation(Consumes.class)
                : info.getResourceClass().getAnnotation(Consumes.class);
        if (consumes != null && ctx.getHeaderString(HttpHeaders.CONTENT_TYPE) == null) {
            return unsupported("This route takes a body: send Content-Type " + String.join(" or ",
                    consumes.value()) + ".");
        }
        if (ctx.getUriInfo().getPath().startsWith("/v1/confirm")) {
            return null;
        }
        Set<String> declared = new TreeSet<>();
        for (Parameter parameter : method.getParameters()) {
            if (parameter.isAnnotationPresent(QueryParam.class)) {
                declared.add(parameter.getAnnotation(QueryParam.class).value());
            }
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        for (Map.Entry<String, List<String>> q : ctx.getUriInfo().getQueryParameters().entrySet()) {
            String name = StrictJson.fieldName(q.getKey());
            if (!declared.contains(q.getKey())) {
                errors.add(new Problem.FieldError(name, "is not a query parameter of this route; it takes "
                        + declared));
            } else if (q.getValue().size() > 1) {
                errors.add(new Problem.FieldError(name, "is given more than once"));
            }
        }
        return errors.isEmpty() ? null : Problems.response(Problem.validation(errors));
    }

    private static Response unsupported(String detail) {
        return Problems.response(415, "unsupported-media-type", "Unsupported media type", detail);
    }

}
