package uz.himoya.notice;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the breach notice bundles (himoya/i18n/breach_*.properties) against the English one, and that the
 * family shares no key with the messages family (Messages merges the families, so a repeated key would
 * silently replace a text).
 */
class BreachBundlesTest {

    private static final String FAMILY = "breach";
    private static final String OTHER_FAMILY = "messages";
    private static final String REFERENCE = "en";
    private static final List<String> TAGS = List.of("en", "uz", "uz_Cyrl", "ru", "ky");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[A-Za-z][A-Za-z0-9]*\\}");

    private static final Map<String, Properties> BUNDLES = new LinkedHashMap<>();

    @BeforeAll
    static void loadBundles() throws IOException {
        for (String tag : TAGS) {
            BUNDLES.put(tag, load(FAMILY, tag));
        }
    }

    private static Properties load(String family, String tag) throws IOException {
        String resource = "himoya/i18n/" + family + "_" + tag + ".properties";
        try (InputStream stream = BreachBundlesTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(stream).as("bundle %s on the classpath", resource).isNotNull();
            Properties properties = new Properties();
            try (Reader reader = new InputStreamReader(stream, UTF_8)) {
                properties.load(reader);
            }
            return properties;
        }
    }

    private static Set<String> placeholdersIn(String value) {
        Set<String> found = new LinkedHashSet<>();
        Matcher matcher = PLACEHOLDER.matcher(value);
        while (matcher.find()) {
            found.add(matcher.group());
        }
        return found;
    }

    @Test
    void shouldHaveTheEnglishKeySet_whenAnyBreachBundleIsLoaded() {
        Set<String> expected = BUNDLES.get(REFERENCE).stringPropertyNames();
        assertThat(expected).as("keys of %s_%s", FAMILY, REFERENCE).isNotEmpty();

        for (String tag : TAGS) {
            assertThat(BUNDLES.get(tag).stringPropertyNames())
                    .as("keys of %s_%s compared with %s_%s", FAMILY, tag, FAMILY, REFERENCE)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void shouldKeepEveryEnglishPlaceholder_whenABreachKeyIsTranslated() {
        Properties english = BUNDLES.get(REFERENCE);
        List<String> problems = new ArrayList<>();

        for (String key : new TreeSet<>(english.stringPropertyNames())) {
            Set<String> placeholders = placeholdersIn(english.getProperty(key));
            for (String tag : TAGS) {
                String translation = BUNDLES.get(tag).getProperty(key);
                if (translation == null) {
                    continue; // reported by the key-set test
                }
                for (String placeholder : placeholders) {
                    if (!translation.contains(placeholder)) {
                        problems.add(FAMILY + "_" + tag + ": " + key + " lacks " + placeholder);
                    }
                }
            }
        }

        assertThat(problems).as("placeholders missing from translations").isEmpty();
    }

    @Test
    void shouldHaveNoBlankValue_whenAnyBreachBundleIsLoaded() {
        List<String> blank = new ArrayList<>();

        for (String tag : TAGS) {
            Properties bundle = BUNDLES.get(tag);
            for (String key : new TreeSet<>(bundle.stringPropertyNames())) {
                if (bundle.getProperty(key).isBlank()) {
                    blank.add(FAMILY + "_" + tag + ": " + key);
                }
            }
        }

        assertThat(blank).as("blank values").isEmpty();
    }

    @Test
    void shouldShareNoKeyWithTheMessagesFamily_whenTheFamiliesAreMerged() throws IOException {
        Set<String> other = load(OTHER_FAMILY, REFERENCE).stringPropertyNames();
        Set<String> shared = new TreeSet<>(BUNDLES.get(REFERENCE).stringPropertyNames());
        shared.retainAll(other);

        assertThat(shared).as("keys in both %s_%s and %s_%s", FAMILY, REFERENCE, OTHER_FAMILY, REFERENCE).isEmpty();
    }
}
