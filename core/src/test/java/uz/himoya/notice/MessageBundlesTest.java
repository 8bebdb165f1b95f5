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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks the user-facing message bundles under himoya/i18n against the English one. */
class MessageBundlesTest {

    private static final String REFERENCE = "en";
    private static final List<String> TAGS = List.of("en", "uz", "uz_Cyrl", "ru", "ky");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[A-Za-z][A-Za-z0-9]*\\}");

    private static final Map<String, Properties> BUNDLES = new LinkedHashMap<>();

    @BeforeAll
    static void loadBundles() throws IOException {
        for (String tag : TAGS) {
            BUNDLES.put(tag, load(tag));
        }
    }

    private static Properties load(String tag) throws IOException {
        String resource = "himoya/i18n/messages_" + tag + ".properties";
        try (InputStream stream = MessageBundlesTest.class.getClassLoader().getResourceAsStream(resource)) {
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
    void shouldHaveTheEnglishKeySet_whenAnyBundleIsLoaded() {
        Set<String> expected = BUNDLES.get(REFERENCE).stringPropertyNames();
        assertThat(expected).as("keys of messages_%s", REFERENCE).isNotEmpty();

        for (String tag : TAGS) {
            assertThat(BUNDLES.get(tag).stringPropertyNames())
                    .as("keys of messages_%s compared with messages_%s", tag, REFERENCE)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void shouldKeepEveryEnglishPlaceholder_whenAKeyIsTranslated() {
        Properties english = BUNDLES.get(REFERENCE);
        List<String> problems = new ArrayList<>();

        for (String key : english.stringPropertyNames()) {
            Set<String> placeholders = placeholdersIn(english.getProperty(key));
            for (String tag : TAGS) {
                String translation = BUNDLES.get(tag).getProperty(key);
                if (translation == null) {
                    continue; // reported by the key-set test
                }
                for (String placeholder : placeholders) {
                    if (!translation.contains(placeholder)) {
                        problems.add("messages_" + tag + ": " + key + " lacks " + placeholder);
                    }
                }
            }
        }

        assertThat(problems).as("placeholders missing from translations").isEmpty();
    }

    @Test
    void shouldHaveNoBlankValue_whenAnyBundleIsLoaded() {
        List<String> blank = new ArrayList<>();

        for (String tag : TAGS) {
            Properties bundle = BUNDLES.get(tag);
            for (String key : bundle.stringPropertyNames()) {
                if (bundle.getProperty(key).isBlank()) {
                    blank.add("messages_" + tag + ": " + key);
                }
            }
        }

        assertThat(blank).as("blank values").isEmpty();
    }
}
