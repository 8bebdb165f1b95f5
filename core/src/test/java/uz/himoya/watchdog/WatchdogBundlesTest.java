package uz.himoya.watchdog;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deadline digest bundles (himoya/i18n/watchdog_*.properties) against the English one: the same keys,
 * every placeholder kept, no blank text, and no key shared with another family (Messages merges the
 * families, so a repeated key would silently replace a text).
 */
class WatchdogBundlesTest {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[A-Za-z][A-Za-z0-9]*\\}");

    @ParameterizedTest
    @ValueSource(strings = {"en", "uz", "uz_Cyrl", "ru", "ky"})
    void shouldMatchTheEnglishBundle_whenTranslated(String tag) throws IOException {
        Properties english = load("watchdog", "en");
        Properties bundle = load("watchdog", tag);
        List<String> problems = new ArrayList<>();

        assertThat(bundle.stringPropertyNames()).as("keys of watchdog_%s", tag)
                .containsExactlyInAnyOrderElementsOf(english.stringPropertyNames());
        for (String key : english.stringPropertyNames()) {
            String text = bundle.getProperty(key, "");
            if (text.isBlank()) {
                problems.add(key + " is blank");
            }
            Matcher m = PLACEHOLDER.matcher(english.getProperty(key));
            while (m.find()) {
                if (!text.contains(m.group())) {
                    problems.add(key + " lacks " + m.group());
                }
            }
        }
        assertThat(problems).as("watchdog_%s", tag).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"messages", "breach"})
    void shouldShareNoKeyWithAnotherFamily_whenFamiliesAreMerged(String family) throws IOException {
        assertThat(load("watchdog", "en").stringPropertyNames())
                .doesNotContainAnyElementsOf(load(family, "en").stringPropertyNames());
    }

    private static Properties load(String family, String tag) throws IOException {
        String resource = "himoya/i18n/" + family + "_" + tag + ".properties";
        Properties p = new Properties();
        try (InputStream in = WatchdogBundlesTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return p; // a family another engineer has not written yet shares nothing
            }
            p.load(new InputStreamReader(in, UTF_8));
        }
        return p;
    }
}
