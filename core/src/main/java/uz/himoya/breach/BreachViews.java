package uz.himoya.breach;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import uz.himoya.store.AppRegistry;

/** Builds the progress view and the regulator's report of an incident. */
final class BreachViews {
    private BreachViews() {
    }

    static BreachView view(BreachStore.Row r, Map<String, Long> counts, AppRegistry apps, Clock clock) {
        long pending = counts.getOrDefault("PENDING", 0L);
        long sending = counts.getOrDefault("SENDING", 0L);
        long sent = counts.getOrDefault("SENT", 0L);
        long failed = counts.getOrDefault("FAILED", 0L);
        long bounced = counts.getOrDefault("BOUNCED", 0L);
        Optional<Duration> duty = apps.serves(r.appId()) ? apps.app(r.appId()).jurisdiction().authorityNoticeDeadline()
                : Optional.<Duration>empty();
        Instant deadline = duty.map(d -> r.discoveredAt().plus(d)).orElse(null);
        Boolean overdue = deadline == null ? null
                : r.authorityNotifiedAt() == null ? clock.instant().isAfter(deadline)
                        : r.authorityNotifiedAt().isAfter(deadline);
        return new BreachView(r.id(), r.appId(), r.title(), r.status(), r.categories(), r.selection().get("kind")
                + (r.selection().containsKey("selector") ? ":" + r.selection().get("selector") : ""),
                new BreachView.Progress(pending + sending + sent + failed + bounced, pending, sending, sent, failed,
                        bounced, counts.getOrDefault("COMPLAINED", 0L)),
                new BreachView.Timeline(r.discoveredAt(), r.windowFrom(), r.windowTo(), r.registeredAt(),
                        r.resolvedAt(), r.sendingStartedAt(), r.completedAt()),
                new BreachView.Authority(duty.isPresent(), deadline, r.authorityNotifiedAt(), r.authorityReference(),
                        overdue),
                Map.of("self", "/v1/breaches/" + r.id(), "report", "/v1/breaches/" + r.id() + "/report"));
    }

    static Map<String, Object> report(BreachView v, BreachStore.Row r, Map<String, Long> byLocale) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("incident", v.id());
        out.put("app", v.app());
        out.put("title", v.title());
        out.put("status", v.status());
        out.put("categories", v.categories());
        out.put("selection", v.selection());
        out.put("notices", v.progress());
        out.put("noticesByLanguage", byLocale);
        out.put("timeline", v.timeline());
        out.put("authority", v.authority());
        Map<String, Object> measures = new LinkedHashMap<>();
        r.content().forEach((locale, c) -> measures.put(locale, Map.of("nature", c.nature(), "consequences",
                c.consequences(), "measures", c.measures(), "contact", c.contact())));
        out.put("content", measures);
        return out;
    }
}
