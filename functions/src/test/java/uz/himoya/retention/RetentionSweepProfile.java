package uz.himoya.retention;

import java.util.Map;
import uz.himoya.testing.SharedServer;

/**
 * The functions artifact exporting retentionSweep, with batches small enough for the demo data to need several.
 * On the old layout ({@link SharedServer}): the sweep still runs the app's SQL on Himoya's connection (issue 11)
 * until it moves onto the store's.
 */
public class RetentionSweepProfile extends SharedServer {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.funqy.export", "retentionSweep", "himoya.retention.batch-size", "4");
    }
}
