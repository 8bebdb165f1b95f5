package uz.himoya.watchdog;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import uz.himoya.db.StoreUnavailable;
import uz.himoya.store.AppRegistry;
import uz.himoya.store.AppsOverview;

/**
 * App stores Himoya cannot reach or use (issue 11: an app whose store is down never stops the others, and
 * ops hear of it). The re-drive tries every app this function could not compile again (at most once per
 * the registry's retry period), so an outage that ended is seen even when no work for the app arrives;
 * the notes are the stores still unreachable by the shared health (app_store_health), one section of the
 * app's digest and of the ops digest.
 */
@ApplicationScoped
public class AppStoreCheck implements WatchdogCheck {
    private final AppRegistry apps;
    private final AppsOverview overview;

    public AppStoreCheck(AppRegistry apps, AppsOverview overview) {
        this.apps = apps;
        this.overview = overview;
    }

    @Override
    public String name() {
        return "app-stores";
    }

    /** How many apps were compiled by this try: their waiting work is driven by the deletion re-drive. */
    @Override
    public int redrive(Instant now) {
        int back = 0;
        for (String id : apps.ids()) {
            if (apps.unavailable(id).isPresent()) {
                try {
                    apps.require(id);
                    back++;
                } catch (StoreUnavailable stillDown) {
                    // recorded in the health table by the registry; reported in the notes below
                }
            }
        }
        return back;
    }

    @Override
    public List<DigestNote> notes(Instant now) {
        return overview.unreachable().stream().<DigestNote>map(o -> new DigestNote.StoreUnreachable(o.appId(),
                o.store(), o.since(), o.tried(), o.code())).toList();
    }
}
