package uz.himoya.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import uz.himoya.auth.ApiKeys;
import uz.himoya.privacymap.AppRegistry;

/**
 * App routes need "Authorization: Bearer &lt;app key&gt;". The key names the app; every later lookup is
 * scoped by it. Ops routes (IAM-protected in AWS) and the subject's confirm page are not app routes.
 */
public class AppKeyFilter {
    public static final String APP = "himoya.app";
    private static final String PREFIX = "Bearer ";

    private final ApiKeys keys;
    private final AppRegistry apps;

    public AppKeyFilter(ApiKeys keys, AppRegistry apps) {
        this.keys = keys;
        this.apps = apps;
    }

    @ServerRequestFilter(preMatching = true)
    public jakarta.ws.rs.core.Response authenticate(ContainerRequestContext ctx) {
        String path = ctx.getUriInfo().getPath();
        if (!path.startsWith("/v1/deletion-requests")) {
            return null;
        }
        String header = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
        String app = header != null && header.startsWith(PREFIX)
                ? keys.appFor(header.substring(PREFIX.length()).trim()).filter(a -> apps.find(a).isPresent())
                        .orElse(null)
                : null;
        if (app == null) {
            return jakarta.ws.rs.core.Response.fromResponse(Problems.response(401, "unauthorized",
                    "Unauthorized", "Send a valid app key as Authorization: Bearer <key>.", path))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
        }
        ctx.setProperty(APP, app);
        return null;
    }
}
