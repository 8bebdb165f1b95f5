package uz.himoya.notice;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;

/** Dates as a user reads them: their language's long form, in the app's zone. */
public final class Dates {
    private Dates() {
    }

    public static String format(Instant instant, String localeTag, ZoneId zone) {
        return DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(Locale.forLanguageTag(localeTag))
                .withZone(zone).format(instant);
    }
}
