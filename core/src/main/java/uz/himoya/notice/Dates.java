package uz.himoya.notice;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Dates as a user reads them: their language's long form, in the app's zone.
 *
 * <p>The patterns are Himoya's own, not the JDK's {@code FormatStyle.LONG}: that one ends a Russian date
 * in "г." ("15 декабря 2026 г."), so every sentence that ends with a date ended in "г.." (issue 10). No
 * pattern here ends in punctuation, so a text may put any after a date; the spelled-out "года" is the
 * form Russian uses inside a sentence. Fixed patterns also keep the texts from changing with the JDK's
 * CLDR data (DatesAndTemplatesTest holds every template's text per language).
 */
public final class Dates {
    private static final Map<String, String> PATTERNS = Map.of(
            "uz", "d-MMMM, y",
            "uz-Cyrl", "d MMMM, y",
            "ru", "d MMMM y 'года'",
            "ky", "y-'ж'., d-MMMM",
            "en", "MMMM d, y");

    private Dates() {
    }

    public static String format(Instant instant, String localeTag, ZoneId zone) {
        String pattern = PATTERNS.getOrDefault(localeTag, PATTERNS.get("en"));
        Locale locale = PATTERNS.containsKey(localeTag) ? Locale.forLanguageTag(localeTag) : Locale.ENGLISH;
        return DateTimeFormatter.ofPattern(pattern, locale).withZone(zone).format(instant);
    }
}
