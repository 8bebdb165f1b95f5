package uz.himoya.store;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.problem.Problem;

/**
 * The apps and their stores as ops see them (GET /v1/ops/apps, the watchdog digest).
 *
 * <p>Where the truth comes from: the apps and their stores are the bundled maps, the same in every function.
 * Whether a store can be reached comes from app_store_health, merged with the asking function's own newer
 * observations ({@link StoreHealth#snapshot()}): each Lambda function has a registry of its own and sees only
 * its own attempts (the HTTP function may have compiled an app at its start that the worker now cannot reach,
 * or the reverse), so only the shared row tells when an outage began and what the latest attempt of any
 * function found. "serving" is the asking function's own registry, since that is what it can say for itself.
 * Reading never reaches into an app's store: a dashboard polling this must not load the apps' databases or
 * wait out a dead store's connect timeout; the registries retry on their own as work arrives, and the
 * watchdog retries hourly.
 */
@ApplicationScoped
public class AppsOverview {
    private final AppRegistry apps;
    private final StoreHealth health;
    private final Clock clock;
    private final HimoyaConfig config;

    public AppsOverview(AppRegistry apps, StoreHealth health, Clock clock, HimoyaConfig config) {
        this.apps = apps;
        this.health = health;
        this.clock = clock;
        this.config = config;
    }

    /** Every app (or the one named), in the order himoya.apps lists them. */
    public AppsView view(Optional<String> only) {
        if (only.isPresent() && !apps.serves(only.get())) {
            throw Problem.validation(List.of(new Problem.FieldError("app",
                    "is not an app this deployment serves; it serves " + config.apps())));
        }
        StoreHealth.Snapshot snapshot = health.snapshot();
        List<AppsView.App> out = new ArrayList<>();
        for (String id : apps.ids()) {
            if (only.isPresent() && !only.get().equals(id)) {
                continue;
            }
            PrivacyMap map = apps.map(id);
            List<AppsView.Store> stores = new ArrayList<>();
            for (PrivacyMap.Store s : map.stores()) {
                Optional<StoreHealth.Observation> o = snapshot.of(id, s.name());
                stores.add(new AppsView.Store(s.name(), s.kind().name().toLowerCase(Locale.ROOT), s.schema(),
                        s.connection(), o.map(StoreHealth.Observation::reachable).orElse(null),
                        o.map(StoreHealth.Observation::since).orElse(null),
                        o.map(StoreHealth.Observation::tried).orElse(null),
                        o.map(StoreHealth.Observation::code).orElse(null)));
            }
            out.add(new AppsView.App(id, map.app().name(), apps.unavailable(id).isEmpty(), List.copyOf(stores)));
        }
        return new AppsView(clock.instant(), snapshot.tableError().isEmpty(), List.copyOf(out));
    }

    /**
     * Every store of an app this deployment serves that is not reachable now, per the shared health. Throws
     * when Himoya's health table cannot be read: a digest built from one function's view could say an
     * outage is over that another function still sees (and the digest could not be sent then anyway).
     */
    public List<StoreHealth.Observation> unreachable() {
        StoreHealth.Snapshot snapshot = health.snapshot();
        if (snapshot.tableError().isPresent()) {
            throw new IllegalStateException("app store health not read (" + snapshot.tableError().get() + ")");
        }
        List<StoreHealth.Observation> out = new ArrayList<>();
        for (String id : apps.ids()) {
            for (PrivacyMap.Store s : apps.map(id).stores()) {
                snapshot.of(id, s.name()).filter(o -> !o.reachable()).ifPresent(out::add);
            }
        }
        return out;
    }
}
