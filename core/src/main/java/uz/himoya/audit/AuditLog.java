package uz.himoya.audit;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.UUID;
import org.jboss.logging.Logger;
import uz.himoya.db.Jdbc;

/**
 * Records what happened to a request, in the caller's transaction (or on its own where the caller has none,
 * as after a step that committed already), and logs it. Events carry names and codes only: no value from a
 * request ever reaches the audit table or the log.
 */
@ApplicationScoped
public class AuditLog {
    private static final Logger LOG = Logger.getLogger("uz.himoya.audit");

    private final Jdbc jdbc;
    private final Clock clock;

    public AuditLog(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public void record(UUID requestId, String event, String detail) {
        jdbc.call(c -> Jdbc.update(c, "INSERT INTO audit_event (request_id, at, event, detail) VALUES (?, ?, ?, ?)",
                ps -> {
                    ps.setObject(1, requestId);
                    ps.setTimestamp(2, Timestamp.from(clock.instant()));
                    ps.setString(3, event);
                    ps.setString(4, detail);
                }));
        LOG.infof("request=%s event=%s%s", requestId, event, detail == null ? "" : " detail=" + detail);
    }
}
