package uz.himoya.deletion.http;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.deletion.DeletionMails;
import uz.himoya.deletion.DeletionService;
import uz.himoya.deletion.DeletionService.PageState;
import uz.himoya.deletion.DeletionService.TokenPage;
import uz.himoya.http.Bodies;
import uz.himoya.json.StrictJson;
import uz.himoya.policy.Locales;
import uz.himoya.problem.Problem;

/**
 * The subject's side of e-mail verification. GET shows a page with a confirm button; only the POST
 * confirms, because mail scanners prefetch links. A JSON POST serves apps that render their own page.
 */
@Path("/v1/confirm")
public class ConfirmResource {
    private final DeletionService service;
    private final DeletionMails mails;
    private final HimoyaConfig config;

    public ConfirmResource(DeletionService service, DeletionMails mails, HimoyaConfig config) {
        this.service = service;
        this.mails = mails;
        this.config = config;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response page(@Context HttpServerRequest request, @Context HttpHeaders headers) {
        // The query is read raw: no @QueryParam, whose decoding fails a "%zz" outside Himoya's reach.
        String token = field(request.query(), "token");
        return html(service.inspect(token), token, null, headers);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response confirmForm(InputStream body, @Context HttpHeaders headers) {
        return html(service.confirm(formToken(body)), null, null, headers);
    }

    /** "This wasn't me": cancels a request still awaiting verification; the app's contact is told. */
    @POST
    @Path("not-me")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response notMeForm(InputStream body, @Context HttpHeaders headers) {
        DeletionService.NotMe answer = service.notMe(formToken(body));
        return html(answer.page(), null, answer.cancelledNow() ? "notMe" : null, headers);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response confirmJson(InputStream body) {
        TokenPage page = service.confirm(StrictJson.read(Bodies.read(body), TokenBody.class).token());
        return switch (page.state()) {
            case CONFIRMED -> Response.ok(Map.of("status", "QUEUED", "dueAt", page.request().dueAt.toString()))
                    .build();
            case INVALID -> throw Problem.notFound("The token");
            case EXPIRED -> throw Problem.of(410, "token-expired", "Token expired",
                    "The link expired; the request is EXPIRED.");
            case ALREADY_CONFIRMED, CANCELLED, FORM -> throw Problem.conflict(
                    "The request is no longer awaiting verification.");
        };
    }

    private Response html(TokenPage page, String token, String override, HttpHeaders headers) {
        String state = override != null ? override : switch (page.state()) {
            case FORM -> "form";
            case CONFIRMED -> "confirmed";
            case ALREADY_CONFIRMED -> "alreadyConfirmed";
            case INVALID -> "invalid";
            case EXPIRED -> "expired";
            case CANCELLED -> "cancelled";
        };
        String action = config.publicBaseUrl() + "/v1/confirm";
        DeletionMails.Page rendered = mails.page(page.app(), page.request(), state, token, action,
                fromHeader(acceptLanguage(headers)));
        int status = page.state() == PageState.INVALID ? 404 : page.state() == PageState.EXPIRED ? 410 : 200;
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(rendered.html())
                // The page holds a live token: never cache it, never leak it in a Referer, never index it.
                .header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer")
                .header("X-Robots-Tag", "noindex")
                // Its button destroys data, so no other origin may frame it (clickjacking): frame-ancestors for
                // today's browsers, X-Frame-Options for older ones. Nothing runs on it (no script at all), its
                // one style block is allowed by hash, and its forms post only to Himoya's own origin.
                .header("Content-Security-Policy", "default-src 'none'; style-src '" + rendered.styleHash()
                        + "'; form-action " + origin(action) + "; frame-ancestors 'none'; base-uri 'none'")
                .header("X-Frame-Options", "DENY").header("X-Content-Type-Options", "nosniff").build();
    }

    /** Every Accept-Language line as one list: the framework splits the header's values at commas. */
    private static String acceptLanguage(HttpHeaders headers) {
        List<String> values = headers.getRequestHeader(HttpHeaders.ACCEPT_LANGUAGE);
        return values == null || values.isEmpty() ? null : String.join(",", values);
    }

    /** scheme://host[:port] of a URL, for the CSP's form-action. */
    private static String origin(String url) {
        URI u = URI.create(url);
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    /**
     * A token as sent, percent-decoded here rather than by the framework: a malformed escape ("%zz") is a
     * client's mistake and must show the not-valid page (404), not fail as an outage (503). Tokens are
     * base64url, so a real one never needs decoding at all.
     */
    static String decoded(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    /** The token field of a form body, read by hand for the same reason as {@link #decoded}. */
    static String formToken(InputStream body) {
        return field(new String(Bodies.read(body), StandardCharsets.ISO_8859_1), "token");
    }

    /** The first value of a field in a query string or form body (a=1&b=2), or null. */
    static String field(String encoded, String name) {
        if (encoded == null) {
            return null;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && name.equals(decoded(pair.substring(0, eq)))) {
                return decoded(pair.substring(eq + 1));
            }
        }
        return null;
    }

    /**
     * The page's language when the token matched nothing: the supported language the reader weights highest
     * in Accept-Language (RFC 9110 12.5.4), else English. A malformed header or part is skipped, never an
     * error: ";" or "ru;q=abc" is a client's slip, and the page must still be shown.
     */
    static String fromHeader(String header) {
        if (header == null) {
            return "en";
        }
        record Range(String tag, double q) {
        }
        List<Range> ranges = new ArrayList<>();
        for (String part : header.split(",")) {
            String[] bits = part.split(";");
            String tag = bits.length == 0 ? "" : bits[0].trim();
            double q = 1;
            for (int i = 1; i < bits.length; i++) {
                String p = bits[i].trim();
                if (p.startsWith("q=") || p.startsWith("Q=")) {
                    try {
                        q = Double.parseDouble(p.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (!tag.isEmpty() && q > 0 && q <= 1) {
                ranges.add(new Range(tag, q));
            }
        }
        ranges.sort(Comparator.comparingDouble(Range::q).reversed()); // stable: equal weights keep their order
        for (Range r : ranges) {
            String[] subtags = r.tag().split("-");
            var found = Locales.canonical(r.tag())
                    .or(() -> subtags.length > 1 ? Locales.canonical(subtags[0] + "-" + subtags[1]) : Optional.empty())
                    .or(() -> Locales.canonical(subtags[0]));
            if (found.isPresent()) {
                return found.get();
            }
        }
        return "en";
    }
}
