package uz.himoya.snapstart;

import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.jboss.logging.Logger;
import uz.himoya.config.HimoyaConfig;

/**
 * SnapStart runtime hooks (CRaC API; on Lambda the runtime interface client calls them). A published
 * version's init runs once; then beforeCheckpoint runs and Lambda snapshots the microVM; every cold start
 * after that is a restore of the snapshot. Whatever a function first loads, links and initializes on its
 * first event is therefore worth doing here: each {@link Primer} runs one hot path without changing data.
 *
 * <p>Then the database pool is emptied: a connection in the snapshot would be a dead socket in every
 * restored copy (and RDS Proxy would see one client twice). Connections are opened anew on first use, as
 * are SMTP connections (primers never open one). A full GC last, so the snapshot holds no garbage.
 *
 * <p>Uniqueness after restore: tokens, ids and salts come from SecureRandom, whose default on Linux
 * (NativePRNG) mixes fresh /dev/urandom bytes into every call (SecretsTest pins this); primers keep no
 * random value they draw.
 */
@Startup
@ApplicationScoped
public class SnapStartPriming implements Resource {
    private static final Logger LOG = Logger.getLogger(SnapStartPriming.class);

    private final Instance<Primer> primers;
    private final AgroalDataSource dataSource;
    private final HimoyaConfig config;
    private final uz.himoya.store.StoreConnections stores;
    private volatile Outcome lastOutcome;

    /** How the last beforeCheckpoint went: primers that ran through and primers that failed. */
    public record Outcome(int succeeded, int failed) {
    }

    public SnapStartPriming(@Any Instance<Primer> primers, AgroalDataSource dataSource, HimoyaConfig config,
            uz.himoya.store.StoreConnections stores) {
        this.stores = stores;
        this.primers = primers;
        this.dataSource = dataSource;
        this.config = config;
    }

    @PostConstruct
    void register() {
        // Without a CRaC implementation (a plain JVM, the tests) org.crac keeps the resource and never calls it.
        Core.getGlobalContext().register(this);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        long t0 = System.nanoTime();
        int[] outcome = config.priming() ? primeAll() : new int[] {0, 0};
        lastOutcome = new Outcome(outcome[0], outcome[1]);
        emptyPool();
        System.gc();
        LOG.infof("before snapshot: %d primer(s) ran, %d failed, pool emptied, in %d ms", outcome[0], outcome[1],
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** Runs every primer; returns {succeeded, failed}. */
    private int[] primeAll() {
        int ok = 0;
        int failed = 0;
        ManagedContext request = Arc.container().requestContext();
        for (Primer p : primers) {
            // The runtime client calls this hook outside any CDI request, and the ORM's sessions need one; a
            // request of its own per primer, since a primer that drives a handler ends the one it finds.
            request.activate();
            try {
                p.prime();
                ok++;
            } catch (Exception | LinkageError e) {
                failed++;
                LOG.warnf("priming %s failed (%s); the snapshot is taken without it", p.name(), types(e));
            } finally {
                request.terminate();
            }
        }
        return new int[] {ok, failed};
    }

    /** The last beforeCheckpoint's outcome, or null before the first. */
    public Outcome lastOutcome() {
        return lastOutcome;
    }

    /** The exception's type and its causes' types: a message could quote a value, so none is logged. */
    static String types(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getClass().getName());
        Throwable c = e.getCause();
        for (int depth = 0; c != null && depth < 8; depth++, c = c.getCause()) {
            sb.append(" <- ").append(c.getClass().getName());
        }
        return sb.toString();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing should be pooled (emptied before the snapshot); whatever is, is a dead socket now. GRACEFUL:
        // a connection somebody holds is closed when returned, never under its user.
        emptyPool();
    }

    private void emptyPool() {
        // The apps' stores too: their pools are made again on first use after the restore.
        stores.closeAll();
        try {
            dataSource.flush(AgroalDataSource.FlushMode.GRACEFUL);
        } catch (RuntimeException e) {
            LOG.warnf("emptying the connection pool failed (%s)", e.getClass().getName());
        }
    }
}
