package uz.himoya.notice;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.ValueResolvers;
import io.quarkus.qute.Variant;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import uz.himoya.breach.BreachCommand;
import uz.himoya.breach.BreachMails;
import uz.himoya.config.HimoyaConfig;
import uz.himoya.deletion.DeletionMails;
import uz.himoya.deletion.DeletionRequest;
import uz.himoya.deletion.Receipt;
import uz.himoya.policy.Jurisdiction;
import uz.himoya.policy.Locales;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.watchdog.DeadlineAlert;
import uz.himoya.watchdog.DigestNote;
import uz.himoya.watchdog.WaitingSystems;
import uz.himoya.watchdog.WatchdogMails;

/**
 * Every template, in every language, rendered with fixed data and compared with the expected text in
 * src/test/resources/expected-texts/&lt;lang&gt;/ (issue 10: Russian dates ended in "г.." in the mail, the page
 * and the notice; no other test read the texts themselves). HTML is compared by its visible text. After
 * changing a text on purpose, regenerate with -Dhimoya.expected.write=true and review the diff.
 */
class DatesAndTemplatesTest {
    private static final Path EXPECTED = Path.of("src/test/resources/expected-texts");
    private static final ZoneId TASHKENT = ZoneId.of("Asia/Tashkent");

    static List<String> locales() {
        return Locales.SUPPORTED;
    }

    @ParameterizedTest
    @MethodSource("locales")
    void shouldRenderEveryTemplateAsExpected_whenWrittenInTheLanguage(String locale) throws IOException {
        Map<String, String> rendered = renderAll(locale);
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, String> e : rendered.entrySet()) {
            Path file = EXPECTED.resolve(locale).resolve(e.getKey() + ".txt");
            if (Boolean.getBoolean("himoya.expected.write")) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
                continue;
            }
            assertThat(file).as("expected text %s", file).exists();
            if (!Files.readString(file, StandardCharsets.UTF_8).equals(e.getValue())) {
                differences.add(e.getKey() + ":\n" + e.getValue());
            }
        }
        assertThat(differences).as("rendered texts that differ from %s/%s", EXPECTED, locale).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("locales")
    void shouldNeverDoubleAPeriod_whenASentenceEndsWithADate(String locale) {
        for (Map.Entry<String, String> e : renderAll(locale).entrySet()) {
            assertThat(e.getValue()).as("%s/%s", locale, e.getKey()).doesNotContain("..").doesNotContain(". .")
                    .doesNotContainPattern("\\d{4} г\\.");
        }
    }

    @ParameterizedTest
    @MethodSource("locales")
    void shouldEndInNoPunctuation_whenADateIsFormatted(String locale) {
        for (int month = 1; month <= 12; month++) {
            String date = Dates.format(Instant.parse("2026-%02d-15T07:00:00Z".formatted(month)), locale, TASHKENT);
            assertThat(date).as(locale).matches(".*[\\p{L}\\p{N}]$").contains("2026").contains("15");
        }
        assertThat(Dates.format(Instant.parse("2026-12-15T07:00:00Z"), "ru", TASHKENT))
                .isEqualTo("15 декабря 2026 года");
    }

    /** Every template of every workflow, named by template and state. */
    private static Map<String, String> renderAll(String locale) {
        Templates templates = new Templates(engine());
        PrivacyMap.App app = new PrivacyMap.App("demo", "Demo Market", "privacy@demo.example", Jurisdiction.UZ,
                Locales.SUPPORTED, locale, Period.ofDays(14), PrivacyMap.Verification.EITHER);
        DeletionRequest r = request(locale);
        DeletionMails deletion = new DeletionMails(templates);
        Map<String, String> out = new LinkedHashMap<>();

        RenderedMail verification = deletion.verification(app, r,
                "https://himoya.example/v1/confirm?token=TOKEN");
        put(out, "deletion-verification", verification);
        put(out, "deletion-confirmation", deletion.confirmation(app, r, new Receipt(r.completedAt, true, List.of(
                new Receipt.Entry("access_logs", "DELETED", 30, List.of("network.ip", "behaviour.pages"), List.of(),
                        null),
                new Receipt.Entry("orders", "ANONYMIZED", 2, List.of("contact.name", "contact.address"),
                        List.of("recipient_name"), "the Tax Code of Uzbekistan (Art. 91)"),
                new Receipt.Entry("payment", "CUT_LOOSE", 3, List.of(), List.of("customer_id", "rental_id"),
                        "the Tax Code of Uzbekistan (Art. 91)", List.of(
                                new Receipt.Link("customer_id", "customer", "TOMBSTONE", "0"),
                                new Receipt.Link("rental_id", "rental", "NULL", null))),
                new Receipt.Entry("rewards", "CUT_LOOSE", 2, List.of(), List.of("customer_id"),
                        "unredeemed points are a liability", List.of(
                                new Receipt.Link("customer_id", "customer", "PSEUDONYM", null)))),
                List.of(new Receipt.SystemEntry("crm", 2, List.of("contact.email", "marketing.consent")),
                        new Receipt.SystemEntry("search", 0, List.of())))));
        put(out, "deletion-not-me", deletion.notMe(app, r));
        for (String state : List.of("form", "confirmed", "alreadyConfirmed", "expired", "cancelled", "notMe")) {
            out.put("confirm-page." + state, visibleText(deletion.page(app, r, state, "TOKEN",
                    "https://himoya.example/v1/confirm", locale).html()));
        }
        out.put("confirm-page.invalid", visibleText(deletion.page(null, null, "invalid", "", "https://himoya.example"
                + "/v1/confirm", locale).html()));

        BreachMails breach = new BreachMails(templates);
        put(out, "breach-notice", breach.render(app, new BreachMails.Incident(new UUID(1, 2),
                Instant.parse("2026-12-14T09:00:00Z"), Instant.parse("2026-11-29T19:00:00Z"),
                Instant.parse("2026-12-14T08:00:00Z"), List.of("network.ip", "behaviour.pages", "financial.card-token"),
                Map.of(locale, new BreachCommand.NoticeContent("NATURE.", "CONSEQUENCES.", "MEASURES.",
                        "security@demo.example"))), locale));

        WatchdogMails watchdog = new WatchdogMails(templates, config());
        put(out, "watchdog-digest", watchdog.digest(app, List.of(
                new DeadlineAlert("demo", "deletion", "1A2B3C4D", "QUEUED", Instant.parse("2026-12-15T07:00:00Z"),
                        true, "legal-hold", false),
                new DeadlineAlert("demo", "deletion", "5E6F7A8B", "IN_PROGRESS", Instant.parse("2026-12-17T07:00:00Z"),
                        false, null, false),
                new DeadlineAlert("demo", WaitingSystems.KIND, "5E6F7A8B", "WAITING",
                        Instant.parse("2026-12-17T07:00:00Z"), false, "crm", false),
                new DeadlineAlert("demo", WaitingSystems.KIND, "1A2B3C4D", "RETRYING",
                        Instant.parse("2026-12-15T07:00:00Z"), true, "search", false)),
                List.of(), Instant.parse("2026-12-16T07:00:00Z"), "f"));
        // Issue 11: a store Himoya cannot reach, beside a deadline, and alone (no deadline: another subject)
        DigestNote down = new DigestNote.StoreUnreachable("demo", "shop", Instant.parse("2026-12-15T04:30:00Z"),
                Instant.parse("2026-12-16T06:59:00Z"), "store-unreachable");
        put(out, "watchdog-digest.with-store", watchdog.digest(app, List.of(new DeadlineAlert("demo", "deletion",
                "5E6F7A8B", "IN_PROGRESS", Instant.parse("2026-12-17T07:00:00Z"), false, null, false)), List.of(down),
                Instant.parse("2026-12-16T07:00:00Z"), "f"));
        put(out, "watchdog-digest.store-only", watchdog.digest(app, List.of(), List.of(down),
                Instant.parse("2026-12-16T07:00:00Z"), "f"));
        return out;
    }

    private static void put(Map<String, String> out, String name, RenderedMail mail) {
        out.put(name + ".subject", mail.subject() + "\n");
        out.put(name + ".txt", mail.text());
        out.put(name + ".html", visibleText(mail.html()));
    }

    private static DeletionRequest request(String locale) {
        DeletionRequest r = new DeletionRequest();
        r.id = UUID.fromString("1a2b3c4d-0000-4000-8000-000000000001");
        r.appId = "demo";
        r.locale = locale;
        r.receivedAt = Instant.parse("2026-12-01T07:00:00Z");
        r.dueAt = Instant.parse("2026-12-15T07:00:00Z");
        r.tokenExpiresAt = Instant.parse("2026-12-08T07:00:00Z");
        r.completedAt = Instant.parse("2026-12-03T07:00:00Z");
        return r;
    }

    /** The words a reader sees: no style block, tags as line breaks, entities read, blank lines folded. */
    static String visibleText(String html) {
        String text = html.replaceAll("(?s)<style>.*?</style>", "").replaceAll("(?s)<title>.*?</title>", "")
                .replaceAll("<[^>]+>", "\n").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&quot;", "\"").replace("&#39;", "'");
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (!t.isEmpty()) {
                out.append(t).append('\n');
            }
        }
        return out.toString();
    }

    /** Qute as Quarkus sets it up for these templates: map lookups, raw values, HTML escaping. */
    private static Engine engine() {
        return Engine.builder().addDefaults().addValueResolver(ValueResolvers.rawResolver())
                .addValueResolver(ValueResolvers.mapResolver())
                .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML))).build();
    }

    private static HimoyaConfig config() {
        HimoyaConfig.Watchdog watchdog = (HimoyaConfig.Watchdog) Proxy.newProxyInstance(
                HimoyaConfig.class.getClassLoader(), new Class<?>[] { HimoyaConfig.Watchdog.class },
                (p, m, a) -> m.getName().equals("warningDays") ? 3 : null);
        return (HimoyaConfig) Proxy.newProxyInstance(HimoyaConfig.class.getClassLoader(),
                new Class<?>[] { HimoyaConfig.class }, (p, m, a) -> m.getName().equals("watchdog") ? watchdog : null);
    }
}
