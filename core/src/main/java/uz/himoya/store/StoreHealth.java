package uz.himoya.store;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;
import uz.himoya.db.Jdbc;
import uz.himoya.db.SqlErrors;

/**
 * Whether each app store could be reached and used (connected, catalogue read, map matched), kept in
 * Himoya's table app_store_health (V6). Every Lambda function has its own {@link AppRegistry}, so one
 * function's view is partial: the row is the shared truth, what GET /v1/ops/apps and the watchdog digest
 * report. "since" is the start of the current state (the first failure of an outage), kept across retries
 * and across functions; checked_at is when a function last tried.
 *
 * <p>Writes never hold up an app: AppRegistry reports here and goes on, the row is written by one
 * background writer. They are cheap: a function writes a store's row when what it saw changes (reachable
 * or not, error code) and otherwise at most once per {@link #REFRESH} (the registry's retry period), so
 * "last tried" stays fresh during an outage without a write per request. Himoya's own database being down
 * never fails the app's work: the write is logged by code and tried again with the next report.
 *
 * <pre>{@code
 * health.unreachable("demo", "shop", "store-unreachable", clock.instant());
 * health.reachable("demo", List.of("shop"), clock.instant());
 * }</pre>
 */
@ApplicationScoped
public class StoreHealth {
    private static final Logger LOG = Logger.getLogger(StoreHealth.class);
    /** A refresh of an unchanged state: the registry's retry period, so an outage writes once per retry. */
    static final Duration REFRESH = AppRegistry.RETRY_AFTER;

    public record Key(String appId, String store) {
    }

    /** One store's state as seen at tried; code is an error code (never a driver's message), null when reachable. */
    public record Observation(String appId, String store, boolean reachable, Instant since, Instant tried,
            String code) {
        Key key() {
            return new Key(appId, store);
        }
    }

    /** Every store's state: the table merged with this function's own observations. */
    public record Snapshot(Map<Key, Observation> stores, Optional<String> tableError) {
        public Optional<Observation> of(String appId, String store) {
            return Optional.ofNullable(stores.get(new Key(appId, store)));
        }
    }

    private final Jdbc jdbc;
    private final Executor writer;
    private final ExecutorService ownWriter;
    /** What this function saw last, per store (also what the view falls back on). */
    private final Map<Key, Observation> seen = new ConcurrentHashMap<>();
    /** The last observation this function wrote, per store. */
    private final Map<Key, Observation> written = new ConcurrentHashMap<>();
    /** Waiting for the writer; only the newest per store. */
    private final Map<Key, Observation> pending = new ConcurrentHashMap<>();

    @Inject
    public StoreHealth(Jdbc jdbc) {
        this.jdbc = jdbc;
        this.ownWriter = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("himoya-store-health").factory());
        this.writer = ownWriter;
    }

    /** With a writer of the caller's (tests: Runnable::run writes at once, on the caller's thread). */
    public StoreHealth(Jdbc jdbc, Executor writer) {
        this.jdbc = jdbc;
        this.ownWriter = null;
        this.writer = writer;
    }

    /** Every one of the app's stores was reached and matched its map at the given instant. */
    public void reachable(String appId, Collection<String> stores, Instant at) {
        for (String store : stores) {
            report(appId, store, true, null, at);
        }
    }

    /** The store could not be reached or used; code is an error code like {@link #code(Throwable)} gives. */
    public void unreachable(String appId, String store, String code, Instant at) {
        report(appId, store, false, Objects.requireNonNull(code), at);
    }

    private void report(String appId, String store, boolean reachable, String code, Instant at) {
        Key key = new Key(appId, store);
        Observation now = seen.compute(key, (k, before) -> new Observation(appId, store, reachable,
                before != null && before.reachable() == reachable && !before.since().isAfter(at) ? before.since() : at,
                at, code));
        Observation last = written.get(key);
        if (last != null && last.reachable() == reachable && Objects.equals(last.code(), code)
                && at.isBefore(last.tried().plus(REFRESH))) {
            return; // unchanged, and written recently enough
        }
        pending.put(key, now);
        try {
            writer.execute(this::flush);
        } catch (RejectedExecutionException e) {
            LOG.warnf("app=%s store=%s: health not written (shutting down)", appId, store);
        }
    }

    /** Writes what is pending; a failure stays unwritten, so the next report of the store tries again. */
    private void flush() {
        for (Key key : pending.keySet()) {
            Observation o = pending.remove(key);
            if (o == null) {
                continue;
            }
            try {
                write(o);
                written.merge(key, o, (a, b) -> a.tried().isAfter(b.tried()) ? a : b);
            } catch (RuntimeException e) {
                LOG.warnf("app=%s store=%s: health not written (%s); the next attempt writes it", o.appId(),
                        o.store(), SqlErrors.code(e));
            }
        }
    }

    /**
     * One row per store, shared by every function: a state that goes on keeps the since another function
     * (or an earlier attempt) recorded; a change of state starts a new since, never before the row was last
     * confirmed the other way. A report older than the row (a slow writer, another function's clock) changes
     * nothing.
     */
    private void write(Observation o) {
        jdbc.call(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO app_store_health AS h (app_id, store, reachable, since, last_error, checked_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (app_id, store) DO UPDATE SET
                        since = CASE WHEN h.reachable = EXCLUDED.reachable THEN h.since
                                     ELSE GREATEST(EXCLUDED.since, h.checked_at) END,
                        reachable = EXCLUDED.reachable,
                        last_error = EXCLUDED.last_error,
                        checked_at = EXCLUDED.checked_at
                    WHERE h.checked_at <= EXCLUDED.checked_at""")) {
                ps.setQueryTimeout(5);
                ps.setString(1, o.appId());
                ps.setString(2, o.store());
                ps.setBoolean(3, o.reachable());
                ps.setTimestamp(4, Timestamp.from(o.since()));
                ps.setString(5, o.code());
                ps.setTimestamp(6, Timestamp.from(o.tried()));
                return ps.executeUpdate();
            }
        });
    }

    /**
     * The table, and this function's own observations where they are newer (a write still on its way, or
     * Himoya's database unreachable: then tableError holds its code and the snapshot is this function's alone).
     */
    public Snapshot snapshot() {
        Map<Key, Observation> out = new LinkedHashMap<>();
        Optional<String> tableError = Optional.empty();
        try {
            jdbc.call(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT app_id, store, reachable, since, last_error,"
                        + " checked_at FROM app_store_health ORDER BY app_id, store")) {
                    ps.setQueryTimeout(5);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Observation o = new Observation(rs.getString(1), rs.getString(2), rs.getBoolean(3),
                                    rs.getTimestamp(4).toInstant(), rs.getTimestamp(6).toInstant(), rs.getString(5));
                            out.put(o.key(), o);
                        }
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            tableError = Optional.of(SqlErrors.code(e));
            LOG.warnf("app store health not read (%s); showing this function's own view", tableError.get());
        }
        for (Observation own : seen.values()) {
            out.merge(own.key(), own, StoreHealth::newer);
        }
        return new Snapshot(Map.copyOf(out), tableError);
    }

    /** The later of the row and this function's observation; the same state keeps the row's (shared) since. */
    private static Observation newer(Observation row, Observation own) {
        if (!own.tried().isAfter(row.tried())) {
            return row;
        }
        Instant since = row.reachable() == own.reachable() ? row.since()
                : own.since().isAfter(row.tried()) ? own.since() : row.tried();
        return new Observation(own.appId(), own.store(), own.reachable(), since, own.tried(), own.code());
    }

    /**
     * The error code of a failure to reach or use a store: a code only, since a driver's message may quote
     * data or settings. store-unreachable (no connection: refused, timed out, reset), auth-failed (the user
     * or password refused), tls-failed (handshake, certificate, CA file), connection-rejected (the server would
     * not start the session as asked: no TLS offered, no password sent), else the SQL state ("sql-3D000") or the
     * exception's type. AppRegistry's own codes (map-mismatch, store-not-configured) come before this.
     */
    public static String code(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // A missing file at connect is a TLS file: the CA bundle (pgjdbc's verify-full without ca-file looks
            // for ~/.postgresql/root.crt) or a client certificate.
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.GeneralSecurityException
                    || t instanceof java.io.FileNotFoundException || raisedInTlsSetup(t)) {
                return "tls-failed";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                if (state.startsWith("28")) {
                    return "auth-failed";
                }
                if (state.equals("08004")) {
                    // pgjdbc: the server will not start a session as asked (no TLS offered while Himoya requires
                    // it, or no password to send): a setting to fix, not an outage
                    return "connection-rejected";
                }
                if (state.startsWith("08") || state.equals("57P03")) {
                    return "store-unreachable";
                }
                return "sql-" + state;
            }
            if (t instanceof java.net.ConnectException || t instanceof java.net.SocketTimeoutException
                    || t instanceof java.net.UnknownHostException || t instanceof java.net.NoRouteToHostException) {
                return "store-unreachable";
            }
        }
        return e.getClass().getSimpleName();
    }

    /**
     * pgjdbc refuses a certificate that does not name the host (verify-full) with a plain connection failure
     * (08006) and no TLS exception attached; only where it was raised tells it from an outage. The message is
     * never read: it quotes the host.
     */
    private static boolean raisedInTlsSetup(Throwable t) {
        StackTraceElement[] frames = t.getStackTrace();
        return t instanceof java.sql.SQLException && frames.length > 0
                && frames[0].getClassName().startsWith("org.postgresql.ssl.");
    }

    @PreDestroy
    void stop() {
        if (ownWriter != null) {
            ownWriter.shutdown();
        }
    }
}
