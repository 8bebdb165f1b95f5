package uz.himoya.watchdog;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The functions artifact exporting deadlineWatchdog. */
public class DeadlineWatchdogProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.funqy.export", "deadlineWatchdog");
    }
}
