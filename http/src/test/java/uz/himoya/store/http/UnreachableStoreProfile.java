package uz.himoya.store.http;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

/**
 * The HTTP function serving a fourth app, demo-down, whose store (connection "down-shop") is a port where
 * nothing listens: AppsApiTest starts a second PostgreSQL there mid-test. A profile of its own, so the other
 * tests keep seeing the usual apps.
 */
public class UnreachableStoreProfile implements QuarkusTestProfile {
    /** Free when the profile was made; taken by the second server only when the test brings the store back. */
    static final int DOWN_PORT = freePort();

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("himoya.apps", "demo,demo-kg,demo-down"),
                Map.entry("himoya.bootstrap-keys.demo-down", "down-test-key"),
                Map.entry("himoya.watchdog.ops-email", "ops@himoya.example"),
                Map.entry("himoya.store.\"down-shop\".host", "127.0.0.1"),
                Map.entry("himoya.store.\"down-shop\".port", String.valueOf(DOWN_PORT)),
                Map.entry("himoya.store.\"down-shop\".database", "postgres"),
                Map.entry("himoya.store.\"down-shop\".username", "postgres"),
                Map.entry("himoya.store.\"down-shop\".password", "postgres"),
                Map.entry("himoya.store.\"down-shop\".tls", "disable"),
                Map.entry("himoya.store.\"down-shop\".connect-timeout", "PT2S"));
    }

    /**
     * Once per JVM: Quarkus loads this class in more than one class loader (for the config, and for the test),
     * and both must agree on the port. (Not a himoya.* name: Quarkus refuses unknown ones.)
     */
    private static int freePort() {
        synchronized (System.class) {
            String chosen = System.getProperty("unreachable-store-profile.port");
            if (chosen == null) {
                try (ServerSocket s = new ServerSocket(0)) {
                    chosen = String.valueOf(s.getLocalPort());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                System.setProperty("unreachable-store-profile.port", chosen);
            }
            return Integer.parseInt(chosen);
        }
    }
}
