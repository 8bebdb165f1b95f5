package uz.himoya.retention.http;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import uz.himoya.http.Bodies;
import uz.himoya.http.QueryParams;
import uz.himoya.retention.HoldView;
import uz.himoya.retention.LegalHolds;

/** Legal holds for ops (ops key; IAM-protected in AWS). Thin: decode, call the service, map the answer. */
@Path("/v1/holds/{appId}")
@Produces(MediaType.APPLICATION_JSON)
public class HoldResource {
    private final LegalHolds holds;

    public HoldResource(LegalHolds holds) {
        this.holds = holds;
    }

    /** 201 with the hold (its id, and the subject key it holds). */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response place(@PathParam("appId") String appId, InputStream body) {
        HoldView hold = holds.place(appId, OpsJson.hold(Bodies.read(body)));
        return Response.created(URI.create("/v1/holds/" + appId + "/" + hold.id())).entity(hold).build();
    }

    /** Active holds, newest first; ?all=true adds lifted ones. */
    @GET
    public List<HoldView> list(@PathParam("appId") String appId, @QueryParam("all") String declared,
            @Context UriInfo uri) {
        return holds.list(appId, QueryParams.bool(uri, "all", false));
    }

    @DELETE
    @Path("{holdId}")
    public HoldView delete(@PathParam("appId") String appId, @PathParam("holdId") String holdId) {
        return holds.lift(appId, OpsJson.uuid(holdId, "The hold"), Optional.empty());
    }

    /** The same as DELETE, with a JSON body: {} or {"reason"} for the record. */
    @POST
    @Path("{holdId}/lift")
    @Consumes(MediaType.APPLICATION_JSON)
    public HoldView lift(@PathParam("appId") String appId, @PathParam("holdId") String holdId, InputStream body) {
        return holds.lift(appId, OpsJson.uuid(holdId, "The hold"), OpsJson.liftReason(Bodies.read(body)));
    }
}
