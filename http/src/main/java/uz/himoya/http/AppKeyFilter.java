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

    /**
     * After route matching, not before: the key is looked up in Himoya's database, and a pre-matching filter
     * runs on the I/O thread, where a slow database would stall every request the thread serves (issue 12,
     * part 8). Matched, the filter runs on the worker thread of the blocking routes it guards, before the
     * body checks of StrictRequestFilter (priority 60). ApiKeys refuses to run on an I/O thread.
     */
    @ServerRequestFilter(priority = 55)
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
