package uz.himoya.deletion.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.deletion.DeletionMails;
import uz.himoya.deletion.DeletionService;
import uz.himoya.deletion.DeletionService.PageState;
import uz.himoya.deletion.DeletionService.TokenPage;
import uz.himoya.http.Bodies;
import uz.himoya.policy.Locales;
import uz.himoya.problem.Problem;

/**
 * The subject's side of e-mail verification. GET shows a page with a confirm button; only the POST
 * confirms, because mail scanners prefetch links. A JSON POST serves apps that render their own page.
 */
@Path("/v1/confirm")
public class ConfirmResource {
    private static final ObjectMapper JSON = new ObjectMapper();

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
    public Response page(@QueryParam("token") String token, @HeaderParam("Accept-Language") String language) {
        return html(service.inspect(token), token, language);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    public Response confirmForm(@FormParam("token") String token, @HeaderParam("Accept-Language") String language) {
        return html(service.confirm(token), null, language);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response confirmJson(InputStream body) {
        JsonNode root;
        try {
            root = JSON.readTree(Bodies.read(body));
        } catch (IOException e) {
            throw Problem.of(400, "malformed-json", "Malformed JSON", "The body is not valid JSON.");
        }
        if (root == null || !root.isObject() || !root.path("token").isTextual()) {
            throw Problem.validation(java.util.List.of(new Problem.FieldError("token", "is required")));
        }
        TokenPage page = service.confirm(root.get("token").asText());
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

    private Response html(TokenPage page, String token, String language) {
        String state = switch (page.state()) {
            case FORM -> "form";
            case CONFIRMED -> "confirmed";
            case ALREADY_CONFIRMED -> "alreadyConfirmed";
            case INVALID -> "invalid";
            case EXPIRED -> "expired";
            case CANCELLED -> "cancelled";
        };
        String html = mails.page(page.app(), page.request(), state, token, config.publicBaseUrl() + "/v1/confirm",
                fromHeader(language));
        int status = page.state() == PageState.INVALID ? 404 : page.state() == PageState.EXPIRED ? 410 : 200;
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(html)
                // The page holds a live token: never cache it, never leak it in a Referer, never index it.
                .header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer")
                .header("X-Robots-Tag", "noindex").build();
    }

    /** The first supported language of Accept-Language, for a page whose token matched nothing. */
    private static String fromHeader(String header) {
        if (header != null) {
            for (String part : header.split(",")) {
                String tag = part.split(";")[0].trim();
                var found = Locales.canonical(tag).or(() -> Locales.canonical(tag.split("-")[0]));
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        return "en".toLowerCase(Locale.ROOT);
    }
}
