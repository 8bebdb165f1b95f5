package uz.himoya.deletion;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import uz.himoya.crypto.Secrets;
import uz.himoya.notice.Dates;
import uz.himoya.notice.Messages;
import uz.himoya.notice.RenderedMail;
import uz.himoya.notice.Templates;
import uz.himoya.privacymap.PrivacyMap;

/** The deletion workflow's mails and confirm page, in the user's language. */
@ApplicationScoped
public class DeletionMails {
    private final Templates templates;

    public DeletionMails(Templates templates) {
        this.templates = templates;
    }

    public RenderedMail verification(PrivacyMap.App app, DeletionRequest r, String link) {
        Messages m = Messages.forLocale(r.locale, app.defaultLocale());
        Map<String, String> values = values(app, r, m);
        values.put("expiresAt", Dates.format(r.tokenExpiresAt, m.locale(), app.jurisdiction().zone()));
        Map<String, Object> data = data(m, values);
        data.put("link", link);
        return new RenderedMail(m.get("verify.subject", values),
                templates.render("deletion-verification.html", data),
                templates.render("deletion-verification.txt", data),
                "<deletion-" + r.id + "-verification-" + r.version + "@himoya>");
    }

    public RenderedMail confirmation(PrivacyMap.App app, DeletionRequest r, Receipt receipt) {
        Messages m = Messages.forLocale(r.locale, app.defaultLocale());
        Map<String, String> values = values(app, r, m);
        values.put("completedAt", Dates.format(r.completedAt, m.locale(), app.jurisdiction().zone()));
        Map<String, Object> data = data(m, values);
        List<Map<String, String>> rows = new ArrayList<>();
        List<Map<String, String>> kept = new ArrayList<>();
        for (Receipt.Entry e : receipt.tables()) {
            if (e.rows() == 0) {
                continue;
            }
            String categories = e.categoriesErased().stream().map(c -> m.get("category." + c, Map.of()))
                    .collect(Collectors.joining(", "));
            String key = switch (e.action()) {
                case "DELETED" -> "confirm.deleted";
                case "CUT_LOOSE" -> "confirm.cutLoose";
                default -> "confirm.anonymized";
            };
            rows.add(Map.of("text", m.get(key, Map.of("rows", Long.toString(e.rows()), "categories", categories))));
            if (e.keptBecause() != null) {
                kept.add(Map.of("text", m.get(keptKey(e), Map.of("what", e.table(), "reason", e.keptBecause()))));
            }
        }
        // The app's other systems (webhooks): what each reported it deleted, by the name the map gives it.
        for (Receipt.SystemEntry e : receipt.systems()) {
            if (e.rows() == 0) {
                continue;
            }
            String categories = e.categoriesErased().stream().map(c -> m.get("category." + c, Map.of()))
                    .collect(Collectors.joining(", "));
            rows.add(Map.of("text", m.get("confirm.system", Map.of("system", e.system(), "rows",
                    Long.toString(e.rows()), "categories", categories))));
        }
        data.put("rows", rows);
        data.put("kept", kept);
        data.put("nothingFound", Boolean.toString(rows.isEmpty()));
        // One confirmation per request: a repeat after a crash carries the same Message-ID.
        return new RenderedMail(m.get("confirm.subject", values),
                templates.render("deletion-confirmation.html", data),
                templates.render("deletion-confirmation.txt", data),
                "<deletion-" + r.id + "-confirmation@himoya>");
    }

    /**
     * How a kept table's line says its rows were cut loose: pointed at a placeholder (a tombstone) or holding a
     * pseudonym where they named the subject; else only that they are no longer linked. The column and the
     * value stay in the receipt: a subject reads what happened, not the schema.
     */
    private static String keptKey(Receipt.Entry e) {
        List<Receipt.Link> links = e.cutLoose() == null ? List.of() : e.cutLoose();
        if (links.stream().anyMatch(l -> "TOMBSTONE".equals(l.now()))) {
            return "confirm.keptTombstone";
        }
        if (links.stream().anyMatch(l -> "PSEUDONYM".equals(l.now()))) {
            return "confirm.keptPseudonym";
        }
        return "confirm.kept";
    }

    /** The confirm page's HTML, and the CSP hash of its one inline style block (it has no script). */
    public record Page(String html, String styleHash) {
    }

    /**
     * The confirm page for a token; r is null when the token matches nothing. It names the app and who runs
     * the page, and shows the request's short reference and the day it was made, so a subject can tell a
     * real request from a phishing page and knows whom to ask.
     */
    public Page page(PrivacyMap.App app, DeletionRequest r, String state, String token, String action,
            String fallbackLocale) {
        Messages m = Messages.forLocale(r == null ? fallbackLocale : r.locale,
                app == null ? fallbackLocale : app.defaultLocale());
        Map<String, String> values = app == null ? new HashMap<>() : values(app, r, m);
        Map<String, Object> data = data(m, values);
        data.put("state", state);
        data.put("token", token == null ? "" : token);
        data.put("action", action);
        data.put("title", m.get(app == null ? "page.titleNoApp" : "page.title", values));
        data.put("operator", m.get(app == null ? "page.operatorNoApp" : "page.operator", values));
        data.put("hasRequest", r != null && app != null);
        data.put("style", PageStyle.CSS);
        return new Page(templates.render("confirm-page.html", data), PageStyle.HASH);
    }

    /** The page's stylesheet, inlined (one request, no other origin) and allowed by its hash in the CSP. */
    private static final class PageStyle {
        static final String CSS = read("himoya/templates/confirm-page.css");
        static final String HASH = "sha256-" + Base64.getEncoder().encodeToString(Secrets.sha256(CSS));

        private static String read(String resource) {
            try (InputStream in = DeletionMails.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing " + resource);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + resource, e);
            }
        }
    }

    /**
     * To the app's privacy contact after the subject said "this wasn't me": in the app's default language
     * (it goes to the app's staff, not to the subject), with the request's reference and id only.
     */
    public RenderedMail notMe(PrivacyMap.App app, DeletionRequest r) {
        Messages m = Messages.forLocale(app.defaultLocale(), app.defaultLocale());
        Map<String, String> values = new HashMap<>();
        values.put("app", app.name());
        values.put("contact", app.contactEmail());
        values.put("ref", reference(r.id));
        values.put("id", r.id.toString());
        Map<String, Object> data = data(m, values);
        return new RenderedMail(m.get("notMe.subject", values), templates.render("deletion-not-me.html", data),
                templates.render("deletion-not-me.txt", data), "<deletion-" + r.id + "-not-me@himoya>");
    }

    /** The short reference a person reads and says on the phone: the id's first 8 hex digits, upper case. */
    public static String reference(UUID id) {
        return id.toString().substring(0, 8).toUpperCase(Locale.ROOT);
    }

    private static Map<String, String> values(PrivacyMap.App app, DeletionRequest r, Messages m) {
        Map<String, String> v = new HashMap<>();
        v.put("app", app.name());
        v.put("contact", app.contactEmail());
        if (r != null) {
            v.put("id", r.id.toString());
            v.put("ref", reference(r.id));
            v.put("dueAt", Dates.format(r.dueAt, m.locale(), app.jurisdiction().zone()));
            v.put("receivedAt", Dates.format(r.receivedAt, m.locale(), app.jurisdiction().zone()));
        }
        return v;
    }

    private static Map<String, Object> data(Messages m, Map<String, String> values) {
        Map<String, Object> data = new HashMap<>();
        data.put("m", m.all(values));
        data.put("lang", m.locale());
        return data;
    }
}
