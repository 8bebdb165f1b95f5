package uz.himoya.deletion.http;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import uz.himoya.deletion.DeletionService;
import uz.himoya.deletion.DeletionView;
import uz.himoya.http.AppKeyFilter;
import uz.himoya.http.Bodies;
import uz.himoya.problem.Problem;

/** The app-facing deletion API. Thin: decode, call the service, map the answer. */
@Path("/v1/deletion-requests")
@Produces(MediaType.APPLICATION_JSON)
public class DeletionResource {
    private final DeletionService service;

    public DeletionResource(DeletionService service) {
        this.service = service;
    }

    /** 202 once the request is durably stored, with the same body for a new or an already open request. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(@Context ContainerRequestContext ctx, @HeaderParam("Idempotency-Key") String key,
            InputStream body) {
        IntakeJson.Decoded decoded = IntakeJson.decode(Bodies.read(body), key);
        if (!decoded.errors().isEmpty()) {
            // Report the shape errors together with the field rules the service checks, all in one 422.
            List<Problem.FieldError> errors = new ArrayList<>(decoded.errors());
            service.fieldErrors(app(ctx), decoded.command()).stream()
                    .filter(e -> errors.stream().noneMatch(d -> d.field().equals(e.field()))).forEach(errors::add);
            throw Problem.validation(errors);
        }
        DeletionService.Submitted s = service.submit(app(ctx), decoded.command());
        return Response.status(s.status()).location(URI.create(s.view().links().get("self"))).entity(s.view())
                .build();
    }

    @GET
    @Path("{id}")
    public DeletionView get(@Context ContainerRequestContext ctx, @PathParam("id") String id) {
        return service.get(app(ctx), uuid(id));
    }

    @POST
    @Path("{id}/cancel")
    public DeletionView cancel(@Context ContainerRequestContext ctx, @PathParam("id") String id) {
        return service.cancel(app(ctx), uuid(id));
    }

    private static String app(ContainerRequestContext ctx) {
        return (String) ctx.getProperty(AppKeyFilter.APP);
    }

    /** A malformed id cannot name anything: the same 404 as an unknown one. */
    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("The deletion request");
        }
    }
}
