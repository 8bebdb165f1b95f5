package uz.himoya.retention;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import uz.himoya.config.HimoyaConfig;

/**
 * Himoya keeps its own data no longer than its purpose needs either (ZRU-547 Art. 10, the same rule it
 * enforces for the apps). Every app's sweep also runs these rules over that app's rows of Himoya's tables:
 *
 * <ul>
 * <li>{@code himoya:unverified-requests}: requests whose verification link lapsed become EXPIRED and lose
 * every identifier of their subject, exactly as DeletionService.expireIfLapsed does when one is read;</li>
 * <li>{@code himoya:expired-tokens}: the hash of a link of a request that moved on, once the link lapsed
 * longer ago than himoya.intake.link-memory (until then the link shows the request's state, 410 if it
 * expired; the hash identifies nobody);</li>
 * <li>{@code himoya:idempotency-records} and {@code himoya:intake-rate}: past their replay and rate windows;</li>
 * <li>{@code himoya:retention-runs}: run records past himoya.retention.run-retention;</li>
 *
 * <li>{@code himoya:breach-addresses}: the sealed addresses of an incident left COLLECTING past
 * himoya.breach.unsent-address-ttl (a sent or failed notice loses its address when it is marked, in the
 * notifier); those notices become FAILED with address-purged;</li>
 * <li>{@code himoya:breach-notices}, then {@code himoya:breach-incidents}: a completed incident's record, past
 * himoya.breach.record-retention.</li>
 * </ul>
 */
public final class OwnRules {
    private static final String OPEN_LOCK = "version = version + 1"; // DeletionRequests.update must see the change

    private OwnRules() {
    }

    public static List<OwnRule> forApp(HimoyaConfig config) {
        Duration idempotency = config.intake().idempotencyTtl();
        Duration rateWindow = config.intake().rateWindow();
        Duration runs = config.retention().runRetention();
        Duration linkMemory = config.intake().linkMemory();
        Duration unsent = config.breach().unsentAddressTtl();
        Duration records = config.breach().recordRetention();
        return List.of(
                new OwnRule("himoya:unverified-requests", "EXPIRE", "deletion_request", List.of("id"),
                        "app_id = ? AND status = 'AWAITING_VERIFICATION' AND token_expires_at < ?",
                        "UPDATE deletion_request t SET status = 'EXPIRED', expired_at = ?, subject_ref = NULL,"
                                + " notify_address = NULL, mail_pending = NULL, " + OPEN_LOCK,
                        "audited AS (INSERT INTO audit_event (request_id, at, event, detail)"
                                + " SELECT id, ?, 'expired', 'retention-sweep' FROM changed)",
                        2, UnaryOperator.identity()),
                new OwnRule("himoya:expired-tokens", "PURGE", "deletion_request", List.of("id"),
                        "app_id = ? AND token_hash IS NOT NULL AND status <> 'AWAITING_VERIFICATION'"
                                + " AND token_expires_at < ?",
                        "UPDATE deletion_request t SET token_hash = NULL, " + OPEN_LOCK, "", 0,
                        asOf -> asOf.minus(linkMemory)),
                new OwnRule("himoya:idempotency-records", "DELETE", "idempotency_record",
                        List.of("app_id", "idem_key"),
                        "app_id = ? AND created_at < ?", "DELETE FROM idempotency_record t", "", 0,
                        asOf -> asOf.minus(idempotency)),
                new OwnRule("himoya:intake-rate", "DELETE", "intake_rate", List.of("app_id", "subject_hash"),
                        "app_id = ? AND window_start < ?", "DELETE FROM intake_rate t", "", 0, asOf -> asOf.minus(rateWindow)),
                new OwnRule("himoya:retention-runs", "DELETE", "retention_run", List.of("id"),
                        "app_id = ? AND started_at < ? AND status <> 'RUNNING'", "DELETE FROM retention_run t", "", 0,
                        asOf -> asOf.minus(runs)),
                new OwnRule("himoya:breach-addresses", "PURGE", "breach_notice", List.of("incident_id", "seq"),
                        "incident_id IN (SELECT id FROM breach_incident WHERE app_id = ? AND status = 'COLLECTING'"
                                + " AND registered_at < ?) AND (sealed_address IS NOT NULL OR address IS NOT NULL)",
                        "UPDATE breach_notice t SET sealed_address = NULL, address = NULL, status = 'FAILED',"
                                + " last_error = 'address-purged', lease_until = NULL", "", 0,
                        asOf -> asOf.minus(unsent)),
                // Notices before their incident: the notice rows refer to it.
                new OwnRule("himoya:breach-notices", "DELETE", "breach_notice", List.of("incident_id", "seq"),
                        "incident_id IN (SELECT id FROM breach_incident WHERE app_id = ? AND status = 'COMPLETED'"
                                + " AND completed_at < ?)", "DELETE FROM breach_notice t", "", 0,
                        asOf -> asOf.minus(records)),
                new OwnRule("himoya:breach-incidents", "DELETE", "breach_incident", List.of("id"),
                        "app_id = ? AND status = 'COMPLETED' AND completed_at < ?"
                                + " AND id NOT IN (SELECT incident_id FROM breach_notice)",
                        "DELETE FROM breach_incident t", "", 0, asOf -> asOf.minus(records)));
    }
}
