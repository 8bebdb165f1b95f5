package uz.himoya.retention.http;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.List;
import uz.himoya.http.Bodies;
import uz.himoya.http.QueryParams;
import uz.himoya.retention.RetentionRuns;
import uz.himoya.retention.RetentionSweeper;
import uz.himoya.retention.RunView;
import uz.himoya.retention.SweepReport;

/**
 * Retention runs for ops: read the records, and start a sweep by hand (the same options a schedule gives).
 * A sweep started here works for himoya.retention.http-time-budget, then hands on to the retention queue.
 */
@Path("/v1/retention/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RetentionRunResource {
    private final RetentionRuns runs;
    private final RetentionSweeper sweeper;

    public RetentionRunResource(RetentionRuns runs, RetentionSweeper sweeper) {
        this.runs = runs;
        this.sweeper = sweeper;
    }

    @GET
    public List<RunView> list(@QueryParam("app") String app, @QueryParam("limit") String limit) {
        return runs.list(QueryParams.text(app, "app"), QueryParams.integer(limit, "limit", 20));
    }

    @GET
    @Path("{id}")
    public RunView get(@PathParam("id") String id) {
        return runs.get(OpsJson.uuid(id, "The retention run"));
    }

    /**
     * {"app": "demo" | "*", "dryRun": true | false, "rules", "timeBudget"}: 201 with the runs started or
     * resumed, as their records now stand. app and dryRun are required: no call sweeps for real by default.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response sweep(InputStream body) {
        SweepReport report = sweeper.sweep(OpsJson.sweep(Bodies.read(body)), "ops");
        return Response.status(201).entity(report).build();
    }
}
