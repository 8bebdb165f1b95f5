package uz.himoya.breach.http;

import jakarta.ws.rs.Consumes;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import uz.himoya.breach.BreachService;
import uz.himoya.breach.BreachView;
import uz.himoya.http.Bodies;
import uz.himoya.http.QueryParams;
import uz.himoya.json.StrictJson;
import uz.himoya.problem.Problem;

/** The ops-facing breach API (ops key; IAM-protected in AWS). Thin: decode, call the service, map. */
@Path("/v1/breaches")
@Produces(MediaType.APPLICATION_JSON)
public class BreachResource {
    private final BreachService service;

    public BreachResource(BreachService service) {
        this.service = service;
    }

    /**
     * 201 with the incident, or with ?dryRun=true 200 with the count and a sample notice per language. Only
     * the literal true or false is read: ?dryRun=1 is a 422, never a real incident.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(@QueryParam("dryRun") String declared, @Context UriInfo uri, InputStream body) {
        // Read from the URI: JAX-RS hands ?dryRun= over as if it were absent.
        boolean dryRun = QueryParams.bool(uri, "dryRun", false);
        var cmd = BreachJson.command(Bodies.read(body));
        if (dryRun) {
            return Response.ok(service.dryRun(cmd)).build();
        }
        BreachView v = service.register(cmd);
        return Response.created(URI.create(v.links().get("self"))).entity(v).build();
    }

    @GET
    @Path("{id}")
    public BreachView get(@PathParam("id") String id) {
        return service.get(uuid(id));
    }

    /** A further page of subject ids (JSON array, or text/csv with one id per line) while collecting. */
    @POST
    @Path("{id}/subjects")
    @Consumes(MediaType.APPLICATION_JSON)
    public BreachView addJson(@PathParam("id") String id, InputStream body) {
        return service.addSubjects(uuid(id), BreachJson.ids(Bodies.read(body)));
    }

    @POST
    @Path("{id}/subjects")
    @Consumes("text/csv")
    public BreachView addCsv(@PathParam("id") String id, InputStream body) {
        String csv = StrictJson.utf8(Bodies.read(body));
        List<String> ids = Arrays.stream(csv.split("\\R")).map(l -> l.split(",")[0].trim()).filter(l -> !l.isEmpty())
                .filter(l -> !l.equalsIgnoreCase("id") && !l.equalsIgnoreCase("subject_id")).toList();
        List<Problem.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            int line = i;
            StrictJson.textProblem(ids.get(i)).ifPresent(p -> errors.add(new Problem.FieldError("subjects[" + line
                    + "]", p)));
        }
        if (!errors.isEmpty()) {
            throw Problem.validation(errors);
        }
        return service.addSubjects(uuid(id), ids);
    }

    @POST
    @Path("{id}/send")
    public BreachView send(@PathParam("id") String id) {
        return service.send(uuid(id));
    }

    @POST
    @Path("{id}/authority-notified")
    @Consumes(MediaType.APPLICATION_JSON)
    public BreachView authorityNotified(@PathParam("id") String id, InputStream body) {
        return service.authorityNotified(uuid(id), BreachJson.reference(Bodies.read(body)).orElse(null));
    }

    @GET
    @Path("{id}/report")
    public Map<String, Object> report(@PathParam("id") String id) {
        return service.report(uuid(id));
    }

    /** The same report flattened to key,value rows for a spreadsheet. */
    @GET
    @Path("{id}/report.csv")
    @Produces("text/csv")
    public Response reportCsv(@PathParam("id") String id) {
        StringBuilder csv = new StringBuilder("key,value\n");
        flatten("", service.report(uuid(id)), csv);
        return Response.ok(csv.toString()).type("text/csv; charset=UTF-8")
                .header("Content-Disposition", "attachment; filename=\"breach-" + id + ".csv\"").build();
    }

    private static void flatten(String prefix, Object value, StringBuilder out) {
        Object v = value instanceof Record r ? recordToMap(r) : value;
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, x) -> flatten(prefix.isEmpty() ? k.toString() : prefix + "." + k, x, out));
        } else if (v instanceof List<?> l) {
            out.append(prefix).append(',').append(quote(String.join(";", l.stream().map(String::valueOf).toList())))
                    .append('\n');
        } else if (v != null) {
            out.append(prefix).append(',').append(quote(v.toString())).append('\n');
        }
    }

    private static Map<String, Object> recordToMap(Record r) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (var c : r.getClass().getRecordComponents()) {
            try {
                m.put(c.getName(), c.getAccessor().invoke(r));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return m;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw Problem.notFound("The incident");
        }
    }
}
