package uz.himoya.policy;

import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Jurisdiction presets (shared/legal-duties.md). Every number is a default an app's privacy map may
 * override; where a statute gives no day count we choose a conservative one and say so.
 */
public enum Jurisdiction {
    /**
     * ZRU-547 Art. 17 sets no day count for destruction; 30 days is our default. Deepen's policy 6.2
     * promises 14 days and says so in its map. No authority breach notice duty was found.
     */
    UZ(Period.ofDays(30), Optional.empty(), "Asia/Tashkent"),
    /** Law No. 58 (2008) Art. 17 answers requests within one week; we apply that week to deletion too. */
    KG(Period.ofDays(7), Optional.empty(), "Asia/Bishkek"),
    /** GDPR Art. 12(3): without undue delay, at most one month; Art. 33: authority within 72 hours. */
    GDPR(Period.ofDays(30), Optional.of(Duration.ofHours(72)), "UTC"),
    /** 152-FZ Art. 21(5): 30 days after consent withdrawal; Art. 21(3.1): Roskomnadzor within 24 hours. */
    RU(Period.ofDays(30), Optional.of(Duration.ofHours(24)), "Europe/Moscow");

    private final Period deletionDeadline;
    private final Optional<Duration> authorityNoticeDeadline;
    private final ZoneId zone;

    Jurisdiction(Period deletionDeadline, Optional<Duration> authorityNoticeDeadline, String zone) {
        this.deletionDeadline = deletionDeadline;
        this.authorityNoticeDeadline = authorityNoticeDeadline;
        this.zone = ZoneId.of(zone);
    }

    /** The zone dates are shown in to users of apps under this jurisdiction. */
    public ZoneId zone() {
        return zone;
    }

    public Period deletionDeadline() {
        return deletionDeadline;
    }

    public Optional<Duration> authorityNoticeDeadline() {
        return authorityNoticeDeadline;
    }
}
