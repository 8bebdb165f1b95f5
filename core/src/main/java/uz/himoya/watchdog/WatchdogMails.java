package uz.himoya.watchdog;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
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
 * request references, store names, error codes and dates only, never a subject's data: it goes to a shared
 * mailbox. Besides the deadlines, each kind of {@link DigestNote} is a section of its own ({@link #section}).
 */
@ApplicationScoped
public class WatchdogMails {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");

    private final Templates templates;
    private final HimoyaConfig config;

    public WatchdogMails(Templates templates, HimoyaConfig config) {
        this.templates = templates;
        this.config = config;
    }

    public RenderedMail digest(PrivacyMap.App app, List<DeadlineAlert> alerts, List<DigestNote> notes, Instant now,
            String fingerprint) {
        Messages m = Messages.forLocale(app.defaultLocale(), app.defaultLocale());
        return render(m, app.name(), app.jurisdiction().zone(), alerts, notes, false, now, "watchdog-" + app.id()
                + "-" + fingerprint + "-" + now.getEpochSecond());
    }

    /** Ops read English; dates in UTC, since the alerts may span apps in several zones. */
    public RenderedMail opsDigest(List<DeadlineAlert> alerts, List<DigestNote> notes, Instant now,
            String fingerprint) {
        return render(Messages.forLocale("en", "en"), "Himoya", ZoneId.of("UTC"), alerts, notes, true, now,
                "watchdog-ops-" + fingerprint + "-" + now.getEpochSecond());
    }

    private RenderedMail render(Messages m, String appName, ZoneId zone, List<DeadlineAlert> alerts,
            List<DigestNote> notes, boolean forOps, Instant now, String id) {
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
        values.put("zone", zone.getId());
        Map<String, Object> data = new HashMap<>();
        data.put("m", m.all(values));
        data.put("lang", m.locale());
        // Only notes and no deadline: a subject and an intro that do not speak of deadlines.
        data.put("deadlines", !alerts.isEmpty());
        data.put("overdueItems", overdue);
        data.put("soonItems", soon);
        List<Map<String, Object>> sections = new ArrayList<>();
        if (!systems.isEmpty()) {
            // Deadlines still (the view lists them with the requests), but read best as a section of their own
            sections.add(Map.of("heading", m.get("watchdog.systemsHeading", values), "note", "", "items", systems));
        }
        sections.addAll(sections(m, notes, zone, forOps, values));
        data.put("sections", sections);
        String subject = m.get(alerts.isEmpty() ? "watchdog.subjectSystems" : "watchdog.subject", values);
        return new RenderedMail(subject, templates.render("watchdog-digest.html", data),
                templates.render("watchdog-digest.txt", data), "<" + id + "@himoya>");
    }

    /** One section per kind of note, in the order of the kinds' first notes. */
    private static List<Map<String, Object>> sections(Messages m, List<DigestNote> notes, ZoneId zone, boolean forOps,
            Map<String, String> values) {
        Map<String, List<DigestNote>> byKind = new LinkedHashMap<>();
        notes.forEach(n -> byKind.computeIfAbsent(n.kind(), k -> new ArrayList<>()).add(n));
        List<Map<String, Object>> out = new ArrayList<>();
        byKind.values().forEach(group -> out.add(section(m, group, zone, forOps, values)));
        return out;
    }

    /**
     * A section: its heading, a sentence saying what it means and what to do, and a line per note. The place
     * to add a kind of note: a case here, its texts in the watchdog bundles.
     */
    private static Map<String, Object> section(Messages m, List<DigestNote> notes, ZoneId zone, boolean forOps,
            Map<String, String> values) {
        List<Map<String, String>> items = new ArrayList<>();
        String prefix = null;
        for (DigestNote note : notes) {
            switch (note) {
                case DigestNote.StoreUnreachable s -> {
                    prefix = "watchdog.stores";
                    Map<String, String> v = new HashMap<>();
                    // ops read every app's stores in one digest
                    v.put("store", forOps ? s.appId() + "/" + s.store() : s.store());
                    v.put("since", at(s.since(), m, zone));
                    v.put("lastTried", at(s.lastTried(), m, zone));
                    v.put("code", s.code());
                    items.add(Map.of("text", m.get("watchdog.lineStore", v)));
                }
            }
        }
        return Map.of("heading", m.get(prefix + "Heading", values), "note", m.get(prefix + "Note", values),
                "items", items);
    }

    /** Date and time: an outage is measured in minutes, not days. */
    private static String at(Instant instant, Messages m, ZoneId zone) {
        return Dates.format(instant, m.locale(), zone) + " " + TIME.withZone(zone).format(instant);
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
