package uz.himoya.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import uz.himoya.auth.ApiKeys;
import uz.himoya.store.AppRegistry;

/**
 * App routes need "Authorization: Bearer &lt;app key&gt;". The key names the app; every later lookup is
 * scoped by it. Ops routes (IAM-protected in AWS) and the subject's confirm page are not app routes.
 */
public class AppKeyFilter {
    public static final String APP = "himoya.app";

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
        String app = Bearer.token(header).flatMap(keys::appFor).filter(apps::serves).orElse(null);
        if (app == null) {
            return jakarta.ws.rs.core.Response.fromResponse(Problems.response(401, "unauthorized",
                    "Unauthorized", "Send a valid app key as Authorization: Bearer <key>."))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
        }
        ctx.setProperty(APP, app);
        return null;
    }
}
