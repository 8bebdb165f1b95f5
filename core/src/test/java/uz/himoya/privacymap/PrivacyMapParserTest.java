package uz.himoya.privacymap;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.time.Period;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import uz.himoya.erasure.strategy.FixedStrategy;
import uz.himoya.erasure.strategy.KeyedHashStrategy;
import uz.himoya.erasure.strategy.NullStrategy;
import uz.himoya.erasure.strategy.RedactStrategy;
import uz.himoya.policy.Jurisdiction;

/** The structural half of privacy-map validation: shape, keys, names and where each problem is. */
class PrivacyMapParserTest {

    private static final String FILE = "privacy-maps/demo.yaml";
    private static String demo;

    @BeforeAll
    static void readDemoMap() throws IOException {
        try (InputStream in = PrivacyMapParserTest.class.getClassLoader().getResourceAsStream(FILE)) {
            assertThat(in).as("the build bundles %s on the classpath", FILE).isNotNull();
            demo = new String(in.readAllBytes(), UTF_8);
        }
    }

    @Test
    void shouldParseEightTablesWithDeadlineAndVerification_whenDemoMapIsRead() {
        // Arrange
        String yaml = demo;

        // Act
        PrivacyMap map = PrivacyMapParser.parse(FILE, yaml);

        // Assert
        assertThat(map.source()).isEqualTo(FILE);
        assertThat(map.tables()).hasSize(8);
        assertThat(map.tables()).extracting(PrivacyMap.Table::name).containsExactly("users", "profiles",
                "order_items", "orders", "access_logs", "sessions", "devices", "marketing_consents");
        assertThat(map.app().id()).isEqualTo("demo");
        assertThat(map.app().deletionDeadline()).isEqualTo(Period.ofDays(14));
        assertThat(map.app().verification()).isEqualTo(PrivacyMap.Verification.EITHER);
        assertThat(map.app().jurisdiction()).isEqualTo(Jurisdiction.UZ);
        assertThat(map.app().locales()).containsExactly("uz", "uz-Cyrl", "ru", "ky", "en");
        assertThat(map.app().defaultLocale()).isEqualTo("uz");
        assertThat(map.stores()).containsExactly(new PrivacyMap.Store(map.stores().get(0).line(), "shop",
                PrivacyMap.StoreKind.POSTGRESQL, "demo_app", "demo-shop", true));
        assertThat(map.subject()).isEqualTo(new PrivacyMap.Subject("users", "id", "email",
                java.util.Optional.of("locale"), "shop"));
    }

    @Test
    void shouldReadParentAndAnonymizeStrategies_whenDemoMapIsRead() {
        // Arrange
        String yaml = demo;

        // Act
        PrivacyMap map = PrivacyMapParser.parse(FILE, yaml);

        // Assert
        PrivacyMap.Table items = table(map, "order_items");
        assertThat(items.column()).isEqualTo("order_id");
        assertThat(items.parent()).contains("orders");
        assertThat(items.parentKey()).isEqualTo("id");
        assertThat(items.line()).isEqualTo(lineOf(yaml, "- table: order_items"));
        PrivacyMap.Table orders = table(map, "orders");
        assertThat(orders.categories()).containsEntry("phone", "contact.phone")
                .containsEntry("delivery_address", "contact.address");
        assertThat(orders.erasure()).isInstanceOfSatisfying(PrivacyMap.Anonymize.class, a -> {
            assertThat(a.columns()).containsEntry("user_id", new NullStrategy())
                    .containsEntry("recipient_name", new RedactStrategy())
                    .containsEntry("delivery_address", new RedactStrategy())
                    .containsEntry("phone", new KeyedHashStrategy());
            assertThat(a.reason()).contains("Tax Code");
        });
        assertThat(table(map, "users").erasure()).isInstanceOf(PrivacyMap.Delete.class);
    }

    @Test
    void shouldAcceptOptionForms_whenStrategiesAreWrittenAsMappings() {
        // Arrange: the documented {keyed-hash: {}} form and fixed with its value
        String yaml = demo.replace("phone: keyed-hash", "phone: { keyed-hash: {} }")
                .replace("        recipient_name: redact", "        recipient_name: { fixed: { value: \"-\" } }");

        // Act
        PrivacyMap map = PrivacyMapParser.parse(FILE, yaml);

        // Assert
        assertThat(table(map, "orders").erasure()).isInstanceOfSatisfying(PrivacyMap.Anonymize.class, a -> assertThat(
                a.columns()).containsEntry("phone", new KeyedHashStrategy())
                .containsEntry("recipient_name", new FixedStrategy("-")));
    }

    @Test
    void shouldReportFileLineAndUnknownKey_whenBelongsToIsMisspelled() {
        // Arrange: the profiles table's belongsTo written as belongTo
        String yaml = replaceOnce(demo, "    belongsTo: { column: user_id }", "    belongTo: { column: user_id }");
        int line = lineOf(yaml, "belongTo:");

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class,
                () -> PrivacyMapParser.parse(FILE, yaml));

        // Assert
        assertThat(e).as("a typo must be a PrivacyMapException, not a crash").isNotNull();
        assertThat(e.getMessage()).contains(FILE + ":" + line + ": ").contains("unknown key 'belongTo'");
        assertThat(e.problems()).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo(FILE);
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.message()).contains("unknown key");
        });
    }

    @Test
    void shouldReportFileLineAndUnknownKey_whenColumnsIsMisspelled() {
        // Arrange: an optional key misspelled must not silently drop the categories
        String yaml = replaceOnce(demo, "    columns:\n      patronymic", "    colums:\n      patronymic");
        int line = lineOf(yaml, "colums:");

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class,
                () -> PrivacyMapParser.parse(FILE, yaml));

        // Assert
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains(FILE + ":" + line + ": unknown key 'colums' in table profiles");
    }

    @Test
    void shouldListValidStrategyNames_whenStrategyIsUnknown() {
        // Arrange
        String yaml = demo.replace("phone: keyed-hash", "phone: scramble");
        int line = lineOf(yaml, "phone: scramble");

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class,
                () -> PrivacyMapParser.parse(FILE, yaml));

        // Assert
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.message()).contains("unknown strategy 'scramble'").contains("null", "redact",
                    "keyed-hash", "fixed");
        });
        assertThat(e.getMessage()).contains(FILE + ":" + line + ":").contains("[null, redact, keyed-hash, fixed, tombstone, keyed-number]");
    }

    @Test
    void shouldReportDeadlineLine_whenDeadlineIsNotAnIsoPeriod() {
        // Arrange
        String yaml = demo.replace("deadline: P14D", "deadline: 14 days");
        int line = lineOf(yaml, "deadline: 14 days");

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class,
                () -> PrivacyMapParser.parse(FILE, yaml));

        // Assert
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.message()).contains("'14 days'").contains("ISO-8601");
        });
    }

    @Test
    void shouldReportCategoryLine_whenDataCategoryIsUnknown() {
        // Arrange
        String yaml = demo.replace("city: location", "city: geo.city");
        int line = lineOf(yaml, "city: geo.city");

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class,
                () -> PrivacyMapParser.parse(FILE, yaml));

        // Assert
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.message()).contains("unknown data category 'geo.city'").contains("city");
        });
    }

    @Test
    void shouldReportLocaleLine_whenLocaleIsUnsupported() {
        // Arrange
        String yaml = demo.replace("locales: [uz, uz-Cyrl, ru, ky, en]", "locales: [uz, fr, ru]");
        int line = lineOf(yaml, "locales: [uz, fr, ru]");

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class,
                () -> PrivacyMapParser.parse(FILE, yaml));

        // Assert
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.message()).contains("unsupported locale 'fr'");
        });
    }

    @Test
    void shouldReportEveryProblemAtOnce_whenMapHasSeveralProblems() {
        // Arrange
        String yaml = demo.replace("deadline: P14D", "deadline: 14 days")
                .replace("city: location", "city: geo.city")
                .replace("phone: keyed-hash", "phone: scramble")
                .replace("locales: [uz, uz-Cyrl, ru, ky, en]", "locales: [uz, fr, ru]")
                .replace("- table: devices", "- table: devices\n    retain: P1Y");

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class,
                () -> PrivacyMapParser.parse(FILE, yaml));

        // Assert
        assertThat(e).isNotNull();
        assertThat(e.problems()).extracting(MapProblem::line).containsExactlyInAnyOrder(
                lineOf(yaml, "deadline: 14 days"), lineOf(yaml, "city: geo.city"), lineOf(yaml, "phone: scramble"),
                lineOf(yaml, "locales: [uz, fr, ru]"), lineOf(yaml, "retain:"));
        assertThat(e.getMessage()).contains("'14 days'", "geo.city", "scramble", "'fr'", "'retain'");
    }

    @Test
    void shouldReportLine_whenYamlIsInvalid() {
        // Arrange
        String yaml = demo.replace("  name: Demo Market", "  name: Demo: Market");
        int line = lineOf(yaml, "name: Demo: Market");

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class,
                () -> PrivacyMapParser.parse(FILE, yaml));

        // Assert
        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(FILE);
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.message()).startsWith("not valid YAML");
        });
    }

    @Test
    void shouldRefuseIdentifier_whenTableNameIsNotPlainSql() {
        // Arrange
        String yaml = demo.replace("- table: devices", "- table: \"devices; DROP TABLE users\"");

        // Act + Assert
        assertThatThrownBy(() -> PrivacyMapParser.parse(FILE, yaml)).isInstanceOf(PrivacyMapException.class)
                .hasMessageContaining(FILE + ":" + lineOf(yaml, "devices; DROP") + ":")
                .hasMessageContaining("is not an SQL identifier");
    }

    @Test
    void shouldAcceptPascalCase_andRefuseAppSchema_andUnknownStore() {
        // Arrange: PascalCase schemas map as they are spelled; the old app.schema is gone; a table must name
        // a declared store
        String pascal = demo.replace("- table: devices", "- table: DeviceTokens");
        String old = demo.replace("  deletion:", "  schema: demo_app\n  deletion:");
        String unknown = demo.replace("- table: devices", "- table: devices\n    store: crm");

        // Act + Assert
        assertThat(PrivacyMapParser.parse(FILE, pascal).table("DeviceTokens")).isPresent();
        assertThatThrownBy(() -> PrivacyMapParser.parse(FILE, old)).hasMessageContaining("app.schema is gone");
        assertThatThrownBy(() -> PrivacyMapParser.parse(FILE, unknown))
                .hasMessageContaining("store 'crm' is not declared under 'stores'");
    }

    @Test
    void shouldReadTheWebhooks_whenTheMapListsSystems() {
        // Act
        PrivacyMap map = PrivacyMapParser.parse(FILE, demo);

        // Assert: the demo shop's CRM, named by its secret's name only
        assertThat(map.webhooks()).singleElement().satisfies(w -> {
            assertThat(w.name()).isEqualTo("crm");
            assertThat(w.url()).hasToString("https://crm.demo.example/himoya/jobs");
            assertThat(w.secretConfigKey()).isEqualTo("himoya.webhook.demo-crm.secret");
            assertThat(w.timeout()).isEqualTo(java.time.Duration.ofSeconds(5));
            assertThat(w.kinds()).containsExactly(WebhookSpec.Kind.ERASURE);
            assertThat(w.identifiers()).containsExactlyInAnyOrder(WebhookSpec.Identifier.ID,
                    WebhookSpec.Identifier.EMAIL);
        });
        assertThat(map.webhook("crm")).isPresent();
        assertThat(map.webhooksTaking(WebhookSpec.Kind.ACCESS)).isEmpty();
        assertThat(map.withTables(map.tables()).webhooks()).isEqualTo(map.webhooks());
    }

    @Test
    void shouldRefusePlainHttpWebhooks_unlessTheLocalRunAllowsThem() {
        // Arrange
        String yaml = demo.replace("url: https://crm.demo.example/himoya/jobs", "url: http://127.0.0.1:8090/jobs");

        // Act + Assert
        assertThatThrownBy(() -> PrivacyMapParser.parse(FILE, yaml)).isInstanceOf(PrivacyMapException.class)
                .hasMessageContaining(FILE + ":" + lineOf(yaml, "url: http://") + ": webhook crm: url must use https");
        assertThat(PrivacyMapParser.parse(FILE, yaml, true).webhooks()).extracting(WebhookSpec::url)
                .containsExactly(java.net.URI.create("http://127.0.0.1:8090/jobs"));
    }

    @Test
    void shouldReportWebhookProblemsWithTheRest_whenTheSectionIsWrong() {
        // Arrange: a webhook problem and a table problem in one map
        String yaml = demo.replace("    timeout: PT5S\n", "").replace("- table: devices", "- table: \"dev ices\"");

        // Act
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class, () -> PrivacyMapParser.parse(FILE,
                yaml));

        // Assert
        assertThat(e.problems()).extracting(MapProblem::message).contains("missing required 'webhooks[].timeout'")
                .anyMatch(m -> m.contains("is not an SQL identifier"));
    }

    @Test
    void shouldRequireReason_whenTableIsAnonymized() {
        // Arrange: remove the reason of order_items (the first anonymize)
        String yaml = replaceOnce(demo,
                "      reason: \"the Tax Code of Uzbekistan (Art. 91) requires accounting records to be kept for 5 years\"\n",
                "");

        // Act + Assert
        assertThatThrownBy(() -> PrivacyMapParser.parse(FILE, yaml)).isInstanceOf(PrivacyMapException.class)
                .hasMessageContaining("missing required 'erasure.reason'");
    }

    private static PrivacyMap.Table table(PrivacyMap map, String name) {
        return map.tables().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    /** The 1-based line of the first occurrence of text: the expected line is found, never hand-counted. */
    static int lineOf(String yaml, String text) {
        int at = yaml.indexOf(text);
        assertThat(at).as("fixture contains '%s'", text).isNotNegative();
        return (int) yaml.substring(0, at).chars().filter(ch -> ch == '\n').count() + 1;
    }

    private static String replaceOnce(String s, String target, String replacement) {
        int at = s.indexOf(target);
        assertThat(at).as("fixture contains '%s'", target).isNotNegative();
        return s.substring(0, at) + replacement + s.substring(at + target.length());
    }
}
