package uz.himoya.breach;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import uz.himoya.notice.Dates;
import uz.himoya.notice.Messages;
import uz.himoya.notice.RenderedMail;
import uz.himoya.notice.Templates;
import uz.himoya.policy.Locales;
import uz.himoya.privacymap.PrivacyMap;

/**
 * Renders a breach notice. A notice holds nothing personal (every affected user of a language gets the
 * same text), so it is rendered once per language and incident, and only the Message-ID differs.
 */
@ApplicationScoped
public class BreachMails {
    private final Templates templates;

    public BreachMails(Templates templates) {
        this.templates = templates;
    }

    /** The incident's data a notice needs. */
    public record Incident(UUID id, Instant discoveredAt, Instant windowFrom, Instant windowTo,
            List<String> categories, Map<String, BreachCommand.NoticeContent> content) {
    }

    /**
     * The locale a user's notice is written in: theirs if ops wrote content for it, else down the fallback
     * chain to the app's default, whose content is required.
     */
    public static String localeFor(String userLocale, PrivacyMap.App app, Map<String, ?> content) {
        return Locales.chain(userLocale, app.defaultLocale()).stream().filter(content::containsKey).findFirst()
                .orElse(app.defaultLocale());
    }

    public RenderedMail render(PrivacyMap.App app, Incident incident, String locale) {
        Messages m = Messages.forLocale(locale, app.defaultLocale());
        BreachCommand.NoticeContent c = incident.content().get(locale);
        var zone = app.jurisdiction().zone();
        Map<String, String> values = new HashMap<>();
        values.put("app", app.name());
        values.put("appContact", app.contactEmail());
        values.put("contact", c.contact());
        values.put("id", incident.id().toString());
        values.put("from", Dates.format(incident.windowFrom(), locale, zone));
        values.put("to", Dates.format(incident.windowTo(), locale, zone));
        values.put("discoveredAt", Dates.format(incident.discoveredAt(), locale, zone));
        Map<String, Object> data = new HashMap<>();
        data.put("m", m.all(values));
        data.put("lang", locale);
        data.put("nature", c.nature());
        data.put("consequences", c.consequences());
        data.put("measures", c.measures());
        data.put("categories", incident.categories().stream().map(k -> m.get("category." + k, Map.of())).toList());
        return new RenderedMail(m.get("breach.subject", values), templates.render("breach-notice.html", data),
                templates.render("breach-notice.txt", data), null);
    }

    /** The SES message tags naming the notice a bounce or complaint is about (SesFeedbackEvent reads them). */
    public static final String INCIDENT_TAG = "himoya-breach";
    public static final String SEQ_TAG = "himoya-notice";

    /**
     * Deterministic per notice, so a repeat after a crash between send and commit can be dropped where the
     * Message-ID survives; tagged with the incident and seq, so that the provider's bounce or complaint finds the
     * notice (BreachFeedback) once its address is gone.
     */
    public static RenderedMail forNotice(RenderedMail rendered, UUID incident, int seq) {
        return new RenderedMail(rendered.subject(), rendered.html(), rendered.text(),
                "<breach-" + incident + "-" + seq + "@himoya>",
                Map.of(INCIDENT_TAG, incident.toString(), SEQ_TAG, Integer.toString(seq)));
    }
}
