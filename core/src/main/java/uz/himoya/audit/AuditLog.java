package uz.himoya.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Records what happened to a request, in the caller's transaction, and logs it. Events carry names and
 * codes only: no value from a request ever reaches the audit table or the log.
 */
@ApplicationScoped
public class AuditLog {
    private static final Logger LOG = Logger.getLogger("uz.himoya.audit");

    private final EntityManager em;
    private final Clock clock;

    public AuditLog(EntityManager em, Clock clock) {
        this.em = em;
        this.clock = clock;
    }

    public void record(UUID requestId, String event, String detail) {
        em.createNativeQuery("INSERT INTO audit_event (request_id, at, event, detail) VALUES (?1, ?2, ?3, ?4)")
                .setParameter(1, requestId).setParameter(2, clock.instant()).setParameter(3, event)
                .setParameter(4, detail).executeUpdate();
        LOG.infof("request=%s event=%s%s", requestId, event, detail == null ? "" : " detail=" + detail);
    }
}
