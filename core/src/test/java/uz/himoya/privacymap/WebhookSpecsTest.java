package uz.himoya.privacymap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import uz.himoya.privacymap.WebhookSpec.Identifier;
import uz.himoya.privacymap.WebhookSpec.Kind;

/** The webhooks section of a privacy map: what is read, and each problem with its line. */
class WebhookSpecsTest {
    private static final String FILE = "privacy-maps/demo.yaml";

    @Test
    void shouldReadEveryField_whenTheSectionIsValid() {
        // Arrange
        String yaml = """
                app:
                  id: demo
                webhooks:
                  - name: crm
                    url: https://crm.example/himoya/jobs
                    secret: demo-crm
                    timeout: PT10S
                    kinds: [erasure]
                  - name: billing-eu
                    url: https://10.20.0.5:8443/jobs?tenant=7
                    secret: demo-billing
                    timeout: PT25S
                    kinds:
                      - erasure
                      - access
                    identifiers: [id, email]
                    allowPrivate: true
                """;

        // Act
        List<WebhookSpec> specs = WebhookSpecs.parse(FILE, yaml, false);

        // Assert
        assertThat(specs).containsExactly(
                new WebhookSpec("crm", URI.create("https://crm.example/himoya/jobs"), "demo-crm",
                        Duration.ofSeconds(10), Set.of(Kind.ERASURE), Set.of(Identifier.ID), false, 4),
                new WebhookSpec("billing-eu", URI.create("https://10.20.0.5:8443/jobs?tenant=7"), "demo-billing",
                        Duration.ofSeconds(25), Set.of(Kind.ERASURE, Kind.ACCESS), Set.of(Identifier.ID, Identifier.EMAIL),
                        true, 9));
        assertThat(specs.get(0).secretConfigKey()).isEqualTo("himoya.webhook.demo-crm.secret");
    }

    @Test
    void shouldReturnNoWebhooks_whenTheMapHasNoSection() {
        assertThat(WebhookSpecs.parse(FILE, "app:\n  id: demo\n", false)).isEmpty();
    }

    @Test
    void shouldAcceptHttpAndLoopback_onlyInTheLocalRun() {
        String yaml = entry("url: http://127.0.0.1:8089/jobs");

        assertThat(WebhookSpecs.parse(FILE, yaml, true)).extracting(WebhookSpec::url)
                .containsExactly(URI.create("http://127.0.0.1:8089/jobs"));
        assertThat(problems(yaml)).containsExactly(
                "4: webhook crm: url must use https (http is accepted only in the local run)");
        assertThat(problems(entry("url: https://127.0.0.1:8089/jobs"))).containsExactly(
                "4: webhook crm: url names a loopback address, accepted only in the local run");
    }

    @Test
    void shouldReportUrlShapes_withTheirLine() {
        assertThat(problems(entry("url: ftp://crm.example/jobs")))
                .containsExactly("4: webhook crm: url must use https");
        assertThat(problems(entry("url: /himoya/jobs"))).containsExactly(
                "4: webhook crm: url must be absolute, such as https://crm.example/himoya/jobs");
        assertThat(problems(entry("url: https://user:pw@crm.example/jobs"))).containsExactly(
                "4: webhook crm: url must not carry user info; credentials belong in the secret");
        assertThat(problems(entry("url: https://crm.example/jobs#top"))).containsExactly(
                "4: webhook crm: url must not have a fragment");
        assertThat(problems(entry("url: https://crm example/jobs"))).containsExactly(
                "4: webhook crm: url is not a valid URL");
        assertThat(problems(entry("url: https://crm_1.example/jobs"))).containsExactly(
                "4: webhook crm: url must name a host");
        assertThat(problems(entry("url: mailto:ops@crm.example"))).containsExactly(
                "4: webhook crm: url must be absolute, such as https://crm.example/himoya/jobs");
        assertThat(problems(entry("url: https://crm.example:0/jobs"))).containsExactly(
                "4: webhook crm: url must not use port 0");
    }

    @Test
    void shouldReportPrivateLiterals_unlessAllowPrivate() {
        assertThat(problems(entry("url: https://10.0.0.7/jobs"))).containsExactly(
                "4: webhook crm: url names a private address; set allowPrivate: true for a target inside the VPC");
        assertThat(problems(entry("url: https://[fd12::7]/jobs"))).hasSize(1);
        assertThat(problems(entry("url: https://10.0.0.7/jobs\n    allowPrivate: true"))).isEmpty();
        assertThat(problems(entry("url: https://169.254.169.254/latest\n    allowPrivate: true"))).containsExactly(
                "4: webhook crm: url names a link-local, multicast or reserved address, which is never a webhook "
                        + "target");
    }

    @Test
    void shouldNotEchoTheSecret_whenTheValueLooksLikeTheSecretItself() {
        List<String> found = problems(entry("url: https://crm.example/jobs\n    secret: S3cr3t+Value/==")
                .replace("    secret: demo-crm\n", ""));

        assertThat(found).containsExactly("4: webhook crm: 'secret' names a secret and must match "
                + "[a-z][a-z0-9-]{1,39}; its value belongs in config himoya.webhook.<name>.secret, never in the map");
        assertThat(String.join("\n", found)).doesNotContain("S3cr3t");
    }

    @Test
    void shouldReportEachBadField_withItsOwnLine() {
        // Arrange
        String yaml = """
                webhooks:
                  - name: Crm
                    url: https://crm.example/jobs
                    secret: demo-crm
                    timeout: PT30S
                    kinds: [erasure, erasure, portability]
                    allowPrivate: yes
                    retries: 3
                  - name: erp
                    url: https://erp.example/jobs
                    secret: demo-erp
                    timeout: 10s
                    kinds: []
                """;

        // Act
        List<String> found = problems(yaml);

        // Assert
        assertThat(found).containsExactly(
                "2: webhook name 'Crm' must match [a-z][a-z0-9-]{1,39}",
                "7: webhook: allowPrivate must be true or false",
                "5: webhook: timeout must be between PT1S and PT25S",
                "6: webhook: request kind 'erasure' is listed twice",
                "6: webhook: unknown request kind 'portability'; valid: erasure, access",
                "8: unknown key 'retries' in webhook",
                "12: webhook erp: timeout '10s' is not an ISO-8601 duration such as PT10S",
                "13: webhook erp: 'kinds' must list at least one request kind");
    }

    @Test
    void shouldReadTheRetryLimits_orTheirDefaults_whenTheyAreLeftOut() {
        // Arrange
        String given = entry("url: https://crm.example/jobs\n    maxAttempts: 3\n    callbackWithin: PT1H\n"
                + "    giveUpAfter: PT12H");
        String leftOut = entry("url: https://crm.example/jobs");

        // Act
        WebhookSpec.Retries read = WebhookSpecs.parse(FILE, given, false).get(0).retries();
        WebhookSpec.Retries defaults = WebhookSpecs.parse(FILE, leftOut, false).get(0).retries();

        // Assert
        assertThat(read).isEqualTo(new WebhookSpec.Retries(3, Duration.ofHours(1), Duration.ofHours(12)));
        assertThat(defaults).isEqualTo(WebhookSpec.Retries.DEFAULT)
                .isEqualTo(new WebhookSpec.Retries(12, Duration.ofHours(24), Duration.ofDays(3)));
    }

    @Test
    void shouldReportEachBadRetryLimit_withItsLine() {
        assertThat(problems(entry("url: https://crm.example/jobs\n    maxAttempts: 0"))).containsExactly(
                "5: webhook crm: maxAttempts must be a whole number from 1 to 50");
        assertThat(problems(entry("url: https://crm.example/jobs\n    maxAttempts: 51"))).containsExactly(
                "5: webhook crm: maxAttempts must be a whole number from 1 to 50");
        assertThat(problems(entry("url: https://crm.example/jobs\n    maxAttempts: many"))).containsExactly(
                "5: webhook crm: maxAttempts must be a whole number from 1 to 50");
        assertThat(problems(entry("url: https://crm.example/jobs\n    maxAttempts: [3]"))).containsExactly(
                "5: 'webhooks[].maxAttempts' must be a single value");
        assertThat(problems(entry("url: https://crm.example/jobs\n    callbackWithin: PT1M"))).containsExactly(
                "5: webhook crm: callbackWithin must be between PT5M and PT48H");
        assertThat(problems(entry("url: https://crm.example/jobs\n    callbackWithin: 1h"))).containsExactly(
                "5: webhook crm: callbackWithin '1h' is not an ISO-8601 duration such as PT24H");
        assertThat(problems(entry("url: https://crm.example/jobs\n    giveUpAfter: P8D"))).containsExactly(
                "5: webhook crm: giveUpAfter must be between PT1H and PT168H");
        assertThat(problems(entry("url: https://crm.example/jobs\n    callbackWithin: PT6H\n"
                + "    giveUpAfter: PT2H"))).containsExactly(
                "5: webhook crm: callbackWithin must not be longer than giveUpAfter (the job would never be sent"
                        + " again)");
    }

    @Test
    void shouldRefuseAGiveUpAge_overHalfTheAppsDeletionDeadline() {
        // Arrange: KG's 7 days leave 3.5 days; a month counts as its shortest, 28 days
        List<MapProblem> problems = new ArrayList<>();
        List<WebhookSpec> specs = WebhookSpecs.parse(FILE, entry("url: https://crm.example/jobs\n"
                + "    giveUpAfter: P4D"), false);

        // Act
        WebhookSpecs.checkAgainstDeadline(FILE, specs, java.time.Period.ofDays(7), problems);
        WebhookSpecs.checkAgainstDeadline(FILE, specs, java.time.Period.ofDays(8), problems);
        WebhookSpecs.checkAgainstDeadline(FILE, specs, java.time.Period.ofMonths(1), problems);

        // Assert
        assertThat(problems).extracting(p -> p.line() + ": " + p.message()).containsExactly(
                "2: webhook crm: giveUpAfter PT96H is more than half of the app's deletion deadline P7D; a person must"
                        + " have the other half to settle the system's part");
    }

    @Test
    void shouldReportIdentifiers_whenTheyAreNotASetOfIdAndEmailWithId() {
        assertThat(problems(entry("url: https://crm.example/jobs\n    identifiers: email"))).containsExactly(
                "5: webhook crm: 'identifiers' must be a list such as [id, email]");
        assertThat(problems(entry("url: https://crm.example/jobs\n    identifiers: [email]"))).containsExactly(
                "5: webhook crm: 'identifiers' must include id (the subject's key)");
        assertThat(problems(entry("url: https://crm.example/jobs\n    identifiers: [id, id, phone]")))
                .containsExactly("5: webhook crm: identifier 'id' is listed twice",
                        "5: webhook crm: unknown identifier 'phone'; valid: id, email");
    }

    @Test
    void shouldReportMissingFields_atTheEntry() {
        String yaml = """
                webhooks:
                  - name: crm
                    kinds: erasure
                """;

        assertThat(problems(yaml)).containsExactly(
                "2: missing required 'webhooks[].url'",
                "2: missing required 'webhooks[].secret'",
                "2: missing required 'webhooks[].timeout'",
                "3: webhook crm: 'kinds' must be a list such as [erasure]");
    }

    @Test
    void shouldReportDuplicates_namesAndKeys() {
        String yaml = """
                webhooks:
                  - name: crm
                    url: https://crm.example/jobs
                    url: https://other.example/jobs
                    secret: demo-crm
                    timeout: PT10S
                    kinds: [erasure]
                  - name: crm
                    url: https://crm2.example/jobs
                    secret: demo-crm2
                    timeout: PT10S
                    kinds: [erasure]
                """;

        assertThat(problems(yaml)).containsExactly("4: duplicate key 'url'", "8: webhook 'crm' is declared twice");
    }

    @Test
    void shouldReportShapes_whenSectionOrEntryIsNotWhatItShouldBe() {
        assertThat(problems("webhooks: crm\n")).containsExactly("1: 'webhooks' must be a list");
        assertThat(problems("webhooks: []\n")).containsExactly(
                "1: 'webhooks' must list at least one webhook (or be left out)");
        assertThat(problems("webhooks:\n  - crm\n")).containsExactly("2: each entry of 'webhooks' must be a mapping");
        assertThat(problems(entry("url: [https://crm.example/jobs]"))).containsExactly(
                "4: 'webhooks[].url' must be a single value");
    }

    @Test
    void shouldAddToTheCallersProblems_whenTheParserHandsItsNodeOver() {
        // Arrange: what PrivacyMapParser will do with top.raw("webhooks")
        Node root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(
                entry("url: http://crm.example/jobs")));
        Node webhooks = ((MappingNode) root).getValue().get(0).getValueNode();
        List<MapProblem> problems = new ArrayList<>();

        // Act
        List<WebhookSpec> specs = WebhookSpecs.parse(FILE, webhooks, problems, false);

        // Assert
        assertThat(specs).hasSize(1);
        assertThat(problems).containsExactly(new MapProblem(FILE, 4, "webhook crm: url must use https (http is "
                + "accepted only in the local run)"));
    }

    @Test
    void shouldNameFileAndLine_whenYamlIsBroken() {
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class,
                () -> WebhookSpecs.parse(FILE, "webhooks:\n  - name: [crm\n", false));

        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(FILE);
            assertThat(p.message()).startsWith("not valid YAML");
        });
    }

    /** One otherwise valid webhook whose url line (line 4) is replaced. */
    private static String entry(String urlLine) {
        return """
                webhooks:
                  - name: crm
                    secret: demo-crm
                    %s
                    timeout: PT10S
                    kinds: [erasure]
                """.formatted(urlLine);
    }

    private static List<String> problems(String yaml) {
        PrivacyMapException e = catchThrowableOfType(PrivacyMapException.class,
                () -> WebhookSpecs.parse(FILE, yaml, false));
        if (e == null) {
            return List.of();
        }
        assertThat(e.problems()).allSatisfy(p -> assertThat(p.file()).isEqualTo(FILE));
        return e.problems().stream().map(p -> p.line() + ": " + p.message()).toList();
    }
}
