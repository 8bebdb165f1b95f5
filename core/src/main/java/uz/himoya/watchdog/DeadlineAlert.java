package uz.himoya.watchdog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A deadline that passed or is near. reference is Himoya's own id of the item (never a subject's data);
 * note is a short code (legal-hold, failed, ...); opsOnly alerts go to ops, not to the app's contact.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadlineAlert(String appId, String kind, String reference, String status, Instant dueAt,
        boolean overdue, String note, boolean opsOnly) {
}
