package uz.himoya.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The languages Himoya writes to users in, and the order it falls back through. */
public final class Locales {
    public static final List<String> SUPPORTED = List.of("uz", "uz-Cyrl", "ru", "ky", "en");

    private Locales() {
    }

    /** Accepts case and separator variants (uz_cyrl, UZ-CYRL) and returns the canonical tag. */
    public static Optional<String> canonical(String tag) {
        if (tag == null) {
            return Optional.empty();
        }
        String normalized = tag.trim().replace('_', '-');
        for (String s : SUPPORTED) {
            if (s.equalsIgnoreCase(normalized)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * The fallback chain for a user: their locale, then its script sibling (a reader of Uzbek Cyrillic
     * reads Latin too), then the app's default, then English, which every bundle has.
     */
    public static List<String> chain(String requested, String appDefault) {
        Set<String> chain = new LinkedHashSet<>();
        canonical(requested).ifPresent(chain::add);
        if (chain.contains("uz-Cyrl")) {
            chain.add("uz");
        }
        canonical(appDefault).ifPresent(chain::add);
        chain.add("en");
        return new ArrayList<>(chain);
    }
}
