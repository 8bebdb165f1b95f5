package uz.himoya.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * GET /v1/ops/apps: every app this deployment serves, with its stores.
 *
 * @param sharedHealth false when Himoya's health table could not be read: the stores' state is then only
 *                     what the answering function saw itself
 */
public record AppsView(Instant asOf, boolean sharedHealth, List<App> apps) {

    /** serving: the answering function has the app compiled (its maps checked against its stores) and serves it. */
    public record App(String app, String name, boolean serving, List<Store> stores) {
    }

    /**
     * One store. reachable is null while no function has tried it yet (an app's compile stops at the first
     * store that fails); since is the start of the current state, lastTried the latest attempt of any
     * function, lastError an error code while unreachable (store-unreachable, auth-failed, tls-failed,
     * map-mismatch, store-not-configured, ...). Every member is always present, null or not.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Store(String name, String kind, String schema, String connection, Boolean reachable,
            Instant since, Instant lastTried, String lastError) {
    }
}
