package uz.himoya.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.security.MessageDigest;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.crypto.Secrets;

/**
 * Ops routes take the ops key ("Authorization: Bearer &lt;ops key&gt;"), never an app key: an app must not
 * register breaches or lift holds. In AWS these routes are IAM-protected at API Gateway as well.
 */
public class OpsKeyFilter {
    public static final List<String> OPS_PREFIXES = List.of("/v1/ops", "/v1/breaches", "/v1/holds", "/v1/retention");

    private final byte[] opsKeyHash;

    public OpsKeyFilter(HimoyaConfig config) {
        this.opsKeyHash = config.opsKey().filter(k -> !k.isBlank()).map(Secrets::sha256).orElse(null);
    }

    @ServerRequestFilter(preMatching = true)
    public Response authenticate(ContainerRequestContext ctx) {
        String path = ctx.getUriInfo().getPath();
        if (OPS_PREFIXES.stream().noneMatch(path::startsWith)) {
            return null;
        }
        String header = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
        boolean ok = opsKeyHash != null && Bearer.token(header)
                .filter(t -> MessageDigest.isEqual(opsKeyHash, Secrets.sha256(t))).isPresent();
        if (!ok) {
            return Response.fromResponse(Problems.response(401, "unauthorized", "Unauthorized",
                    "Ops routes need the ops key as Authorization: Bearer <key>."))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
        }
        return null;
    }
}
