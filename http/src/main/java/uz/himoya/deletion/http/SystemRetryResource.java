package uz.himoya.deletion.http;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import uz.himoya.deletion.SystemRedrive;
import uz.himoya.http.Bodies;
import uz.himoya.json.StrictJson;
import uz.himoya.problem.Problem;

/**
 * Ops drive a deletion's FAILED system part again once the system is fixed (SystemRedrive): ops key (the
 * /v1/ops prefix, OpsKeyFilter; IAM-protected in AWS). The body is {@code {}}: like every ops route that
 * changes something, it takes a JSON body, so a stray POST without one does nothing. It carries no reason
 * either: free text could hold a name, and the audit record must not. 202: the job is queued.
 */
@Path("/v1/ops/deletion-requests/{id}/systems/{system}/retry")
@Produces(MediaType.APPLICATION_JSON)
public class SystemRetryResource {
    /** The body: an empty object. */
    record Retry() {
    }

    private final SystemRedrive redrive;

    public SystemRetryResource(SystemRedrive redrive) {
        this.redrive = redrive;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response retry(@PathParam("id") String id, @PathParam("system") String system, InputStream body) {
        try {
            StrictJson.read(Bodies.read(body), Retry.class);
        } catch (Problem p) {
            if (p.status() != 422) {
                throw p;
            }
            // StrictJson names unknown fields; here every field is unknown, and its name is the caller's text.
            throw Problem.of(422, "validation", "Invalid fields", "The body must be the empty object {}.");
        }
        return Response.accepted(redrive.retry(id, system)).build();
    }
}
