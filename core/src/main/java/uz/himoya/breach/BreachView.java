package uz.himoya.breach;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** An incident as ops see it: progress, timeline and the authority deadline. Never an address. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BreachView(UUID id, String app, String title, String status, List<String> categories,
        String selection, Progress progress, Timeline timeline, Authority authority, Map<String, String> links) {

    /**
     * Notices by state. bounced: accepted by the mail provider, then returned by the receiving side (SES bounce
     * events, BreachFeedback): those users were not told, although the notice was sent. complained: sent
     * notices their users reported as spam (they are counted in sent too).
     */
    public record Progress(long total, long pending, long sending, long sent, long failed, long bounced,
            long complained) {
    }

    public record Timeline(Instant discoveredAt, Instant windowFrom, Instant windowTo, Instant registeredAt,
            Instant resolvedAt, Instant sendingStartedAt, Instant completedAt) {
    }

    /**
     * The duty to tell the authority, from the app's jurisdiction: GDPR Art. 33 (72 hours), 152-FZ Art.
     * 21(3.1) (24 hours); none found for UZ and KG (shared/legal-duties.md), so required is false there.
     */
    public record Authority(boolean required, Instant deadline, Instant notifiedAt, String reference,
            Boolean overdue) {
    }
}
