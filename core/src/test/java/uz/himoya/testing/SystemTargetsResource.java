package uz.himoya.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The test maps' webhook systems (the demo app's CRM, demo-hooks' four) as real local HTTP servers
 * ({@link SystemTargets}), with their secrets. Like every Quarkus test resource it applies to the whole
 * module's tests: the demo app's deletions reach its CRM in every test, answered 200 unless scripted.
 */
public class SystemTargetsResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return SystemTargets.config();
    }

    @Override
    public void stop() {
        // Shared by all test classes of the JVM; the JVM's exit stops it.
    }
}
