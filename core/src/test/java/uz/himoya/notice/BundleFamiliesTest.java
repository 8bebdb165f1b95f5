package uz.himoya.notice;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bundle family (Messages.FAMILIES: messages, breach, watchdog) in every language Himoya writes:
 * the English key set, every English placeholder kept, no blank text, and no key shared between families
 * (Messages merges them, so a repeated key would silently replace a text).
 */
class BundleFamiliesTest {
    private static final List<String> TAGS = List.of("en", "uz", "uz_Cyrl", "ru", "ky");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[A-Za-z][A-Za-z0-9]*\\}");

    static List<String> families() {
        return Messages.FAMILIES;
    }

    @ParameterizedTest
    @MethodSource("families")
    void shouldHaveTheEnglishKeysPlaceholdersAndNoBlanks_whenAnyLanguageOfTheFamilyIsLoaded(String family)
            throws IOException {
        Properties english = load(family, "en");
        assertThat(english.stringPropertyNames()).as("keys of %s_en", family).isNotEmpty();
        List<String> problems = new ArrayList<>();
        for (String tag : TAGS) {
            Properties bundle = load(family, tag);
            assertThat(bundle.stringPropertyNames()).as("keys of %s_%s", family, tag)
                    .containsExactlyInAnyOrderElementsOf(english.stringPropertyNames());
            for (String key : english.stringPropertyNames()) {
                String text = bundle.getProperty(key);
                if (text.isBlank()) {
                    problems.add(family + "_" + tag + ": " + key + " is blank");
                }
                Matcher m = PLACEHOLDER.matcher(english.getProperty(key));
                while (m.find()) {
                    if (!text.contains(m.group())) {
                        problems.add(family + "_" + tag + ": " + key + " lacks " + m.group());
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldShareNoKey_whenFamiliesAreMerged() throws IOException {
        Map<String, String> owner = new HashMap<>();
        List<String> repeated = new ArrayList<>();
        for (String family : Messages.FAMILIES) {
            for (String key : load(family, "en").stringPropertyNames()) {
                String before = owner.putIfAbsent(key, family);
                if (before != null) {
                    repeated.add(key + " in " + before + " and " + family);
                }
            }
        }
        assertThat(repeated).isEmpty();
    }

    private static Properties load(String family, String tag) throws IOException {
        String resource = "himoya/i18n/" + family + "_" + tag + ".properties";
        try (InputStream in = BundleFamiliesTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as("bundle %s on the classpath", resource).isNotNull();
            Properties p = new Properties();
            p.load(new InputStreamReader(in, UTF_8));
            return p;
        }
    }
}
