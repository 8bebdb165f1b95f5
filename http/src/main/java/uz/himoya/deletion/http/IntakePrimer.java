package uz.himoya.deletion.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.deletion.DeletionService;
import uz.himoya.deletion.DeletionStatus;
import uz.himoya.deletion.DeletionView;
import uz.himoya.snapstart.Primer;

/**
 * SnapStart priming of what an accepted intake does past the key check, which the handler-level events
 * (HttpPrimer) cannot reach without an app's key: decoding the body, the field rules, and writing the
 * 202's JSON with the application's ObjectMapper. Values are placeholders; nothing is stored.
 */
@ApplicationScoped
public class IntakePrimer implements Primer {
    private final DeletionService service;
    private final HimoyaConfig config;
    private final ObjectMapper json;

    public IntakePrimer(DeletionService service, HimoyaConfig config, ObjectMapper json) {
        this.service = service;
        this.config = config;
        this.json = json;
    }

    @Override
    public String name() {
        return "intake";
    }

    @Override
    public void prime() throws Exception {
        IntakeJson.Decoded d = IntakeJson.decode(("{\"subject\":{\"id\":\"priming\",\"email\":\"priming@himoya.invalid\"},"
                + "\"locale\":\"uz\",\"verified\":true}").getBytes(StandardCharsets.UTF_8), "priming");
        for (String app : config.apps()) {
            service.fieldErrors(app, d.command());
        }
        UUID id = UUID.randomUUID();
        Instant now = Instant.now();
        json.writeValueAsBytes(new DeletionView(id, DeletionStatus.QUEUED, now, now, null, null, null, null, null,
                null, null, null, Map.of("self", config.publicBaseUrl() + "/v1/deletion-requests/" + id)));
    }
}
