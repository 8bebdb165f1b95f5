package uz.himoya.retention;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The functions artifact exporting retentionSweep, with batches small enough for the demo data to need several. */
public class RetentionSweepProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.funqy.export", "retentionSweep", "himoya.retention.batch-size", "4");
    }
}
