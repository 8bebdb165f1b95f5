package uz.himoya.retention.http;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import uz.himoya.http.Bodies;
import uz.himoya.http.QueryParams;
import uz.himoya.watchdog.DeadlinesView;
import uz.himoya.watchdog.Watchdog;
import uz.himoya.watchdog.WatchdogReport;

/** The deadline watchdog for ops: what is overdue or due soon, and a run on demand (the hourly one's twin). */
@Path("/v1/ops")
@Produces(MediaType.APPLICATION_JSON)
public class DeadlinesResource {
    private final Watchdog watchdog;

    public DeadlinesResource(Watchdog watchdog) {
        this.watchdog = watchdog;
    }

    @GET
    @Path("deadlines")
    public DeadlinesView deadlines(@QueryParam("app") String app) {
        return watchdog.view(QueryParams.text(app, "app"));
    }

    /** {"app": "demo"} or {"app": "*"}: re-drives stuck work and mails the digests now. */
    @POST
    @Path("watchdog")
    @Consumes(MediaType.APPLICATION_JSON)
    public WatchdogReport run(InputStream body) {
        return watchdog.run(OpsJson.watchdog(Bodies.read(body)).app());
    }
}
