package uz.himoya.notice;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import uz.himoya.policy.Locales;

/**
 * The user-facing texts in uz, uz-Cyrl, ru, ky and en (himoya/i18n/messages_*.properties, UTF-8).
 * Placeholders are {name}, replaced literally: Uzbek apostrophes (o‘, g‘) need no escaping.
 */
public final class Messages {
    /**
     * The bundle families, one file per family and locale (himoya/i18n/&lt;family&gt;_&lt;tag&gt;.properties), so each
     * workflow keeps its own texts. Keys must not repeat across families.
     */
    static final java.util.List<String> FAMILIES = java.util.List.of("messages", "breach", "watchdog");
    private static final Map<String, Properties> BUNDLES = new HashMap<>();

    static {
        for (String tag : Locales.SUPPORTED) {
            Properties all = new Properties();
            for (String family : FAMILIES) {
                String resource = "himoya/i18n/" + family + "_" + tag.replace('-', '_') + ".properties";
                if (Messages.class.getClassLoader().getResource(resource) != null) {
                    all.putAll(load(resource));
                }
            }
            BUNDLES.put(tag, all);
        }
    }

    private final List<String> chain;

    private Messages(List<String> chain) {
        this.chain = chain;
    }

    /** Texts for a user: their locale, falling back as {@link Locales#chain} says. */
    public static Messages forLocale(String requested, String appDefault) {
        return new Messages(Locales.chain(requested, appDefault));
    }

    /** The locale the texts actually come from (the first of the chain that has the bundle). */
    public String locale() {
        return chain.get(0);
    }

    public String get(String key, Map<String, String> values) {
        String text = null;
        for (String tag : chain) {
            text = BUNDLES.get(tag).getProperty(key);
            if (text != null) {
                break;
            }
        }
        if (text == null) {
            throw new IllegalStateException("missing message key " + key);
        }
        for (Map.Entry<String, String> v : values.entrySet()) {
            text = text.replace("{" + v.getKey() + "}", v.getValue());
        }
        return text;
    }

    /** Every key of the bundle, substituted with values: what the templates see as {@code m}. */
    public Map<String, String> all(Map<String, String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : BUNDLES.get("en").stringPropertyNames()) {
            out.put(key, get(key, values));
        }
        return out;
    }

    private static Properties load(String resource) {
        Properties p = new Properties();
        try (InputStream in = Messages.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing message bundle " + resource);
            }
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
        return p;
    }
}
