package uz.himoya.retention.http;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.util.Optional;
import uz.himoya.http.Bodies;
import uz.himoya.watchdog.DeadlinesView;
import uz.himoya.watchdog.Watchdog;
import uz.himoya.watchdog.WatchdogOptions;
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
        return watchdog.view(Optional.ofNullable(app));
    }

    /** {"app"} optional: re-drives stuck work and mails the digests now. */
    @POST
    @Path("watchdog")
    public WatchdogReport run(InputStream body) {
        return watchdog.run(WatchdogOptions.parse(OpsJson.tree(Bodies.read(body))).app());
    }
}
