package uz.himoya.watchdog;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.notice.Dates;
import uz.himoya.notice.Messages;
import uz.himoya.notice.RenderedMail;
import uz.himoya.notice.Templates;
import uz.himoya.privacymap.PrivacyMap;

/**
 * The deadline digest (templates watchdog-digest.html/.txt, bundle family "watchdog"). It lists Himoya's
 * request references and dates only, never a subject's data: it goes to a shared mailbox.
 */
@ApplicationScoped
public class WatchdogMails {
    private final Templates templates;
    private final HimoyaConfig config;

    public WatchdogMails(Templates templates, HimoyaConfig config) {
        this.templates = templates;
        this.config = config;
    }

    public RenderedMail digest(PrivacyMap.App app, List<DeadlineAlert> alerts, Instant now, String fingerprint) {
        Messages m = Messages.forLocale(app.defaultLocale(), app.defaultLocale());
        return render(m, app.name(), app.jurisdiction().zone(), alerts, now, "watchdog-" + app.id() + "-"
                + fingerprint + "-" + now.getEpochSecond());
    }

    /** Ops read English; dates in UTC, since the alerts may span apps in several zones. */
    public RenderedMail opsDigest(List<DeadlineAlert> alerts, Instant now, String fingerprint) {
        return render(Messages.forLocale("en", "en"), "Himoya", ZoneId.of("UTC"), alerts, now,
                "watchdog-ops-" + fingerprint + "-" + now.getEpochSecond());
    }

    private RenderedMail render(Messages m, String appName, ZoneId zone, List<DeadlineAlert> alerts, Instant now,
            String id) {
        List<Map<String, String>> overdue = new ArrayList<>();
        List<Map<String, String>> soon = new ArrayList<>();
        List<Map<String, String>> systems = new ArrayList<>();
        for (DeadlineAlert a : alerts) {
            if (a.kind().equals(WaitingSystems.KIND)) {
                systems.add(Map.of("text", systemLine(m, zone, a)));
                continue;
            }
            Map<String, String> v = new HashMap<>();
            v.put("what", label(m, "watchdog.kind." + a.kind(), a.kind()));
            v.put("reference", a.reference());
            v.put("status", label(m, "watchdog.status." + a.status(), a.status()));
            v.put("dueAt", Dates.format(a.dueAt(), m.locale(), zone));
            String text = m.get(a.overdue() ? "watchdog.lineOverdue" : "watchdog.lineSoon", v);
            if (a.note() != null) {
                text += " (" + label(m, "watchdog.note." + a.note(), a.note()) + ")";
            }
            (a.overdue() ? overdue : soon).add(Map.of("text", text));
        }
        Map<String, String> values = new HashMap<>();
        values.put("app", appName);
        values.put("asOf", Dates.format(now, m.locale(), zone));
        values.put("overdue", Integer.toString(overdue.size()));
        values.put("soon", Integer.toString(soon.size()));
        values.put("warningDays", Integer.toString(config.watchdog().warningDays()));
        Map<String, Object> data = new HashMap<>();
        data.put("m", m.all(values));
        data.put("lang", m.locale());
        data.put("overdueItems", overdue);
        data.put("soonItems", soon);
        data.put("systemItems", systems);
        return new RenderedMail(m.get("watchdog.subject", values), templates.render("watchdog-digest.html", data),
                templates.render("watchdog-digest.txt", data), "<" + id + "@himoya>");
    }

    /** A system that holds a deletion up (WaitingSystems): its own section, below the requests. */
    private static String systemLine(Messages m, ZoneId zone, DeadlineAlert a) {
        Map<String, String> v = new HashMap<>();
        v.put("reference", a.reference());
        v.put("system", a.note());
        v.put("status", label(m, "watchdog.system." + a.status(), a.status()));
        v.put("dueAt", Dates.format(a.dueAt(), m.locale(), zone));
        return m.get(a.overdue() ? "watchdog.systemOverdue" : "watchdog.systemSoon", v);
    }

    /** A label another workflow may not have defined (its status or note codes): the code itself then. */
    private static String label(Messages m, String key, String fallback) {
        try {
            return m.get(key, Map.of());
        } catch (IllegalStateException missing) {
            return fallback;
        }
    }
}
