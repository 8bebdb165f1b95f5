package uz.himoya.store.http;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import uz.himoya.http.QueryParams;
import uz.himoya.store.AppsOverview;
import uz.himoya.store.AppsView;

/**
 * The apps this deployment serves, for ops: each app's stores (name, kind, schema, connection name), whether
 * each can be reached (since when, last tried, last error code), and whether this function serves the app.
 * The stores' state is the shared health row, not only this function's registry (see {@link AppsOverview}
 * for why); reading it never connects to an app's store.
 */
@Path("/v1/ops/apps")
@Produces(MediaType.APPLICATION_JSON)
public class AppsResource {
    private final AppsOverview apps;

    public AppsResource(AppsOverview apps) {
        this.apps = apps;
    }

    @GET
    public AppsView list(@QueryParam("app") String app) {
        return apps.view(QueryParams.text(app, "app"));
    }
}
