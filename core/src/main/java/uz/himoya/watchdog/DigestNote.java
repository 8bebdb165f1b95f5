package uz.himoya.watchdog;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Something besides deadlines that a digest tells an app's contact (and ops): work that cannot go on because
 * a store or system of the app's cannot be reached. A {@link WatchdogCheck} returns its notes from
 * {@link WatchdogCheck#notes}; {@link WatchdogMails} renders each kind as a section of its own, in the
 * reader's language.
 *
 * <p>Webhook systems still owing their part of a deletion are deadlines, not notes ({@link WaitingSystems}
 * alerts, listed with the requests in the deadlines view); the digest shows them as a section too.
 *
 * <p><b>Adding a kind</b>: a record here, a case in
 * {@code WatchdogMails.section}, its texts in every watchdog bundle, and a WatchdogCheck that returns it.
 * Like an alert, a note holds Himoya's own names and codes only, never a subject's data.
 */
public sealed interface DigestNote {

    String appId();

    /** What makes the note news: a digest whose notes' fingerprints are unchanged is not mailed again soon. */
    String fingerprint();

    /** A short stable name of the note's kind (the JSON of a watchdog run shows it). */
    @JsonProperty("kind")
    String kind();

    /** An app store Himoya cannot reach or use (AppsOverview): the app's work there waits and is retried. */
    record StoreUnreachable(String appId, String store, Instant since, Instant lastTried, String code)
            implements DigestNote {
        @Override
        public String fingerprint() {
            // Not lastTried: every retry moves it, and an outage that goes on unchanged is not news hourly.
            return "store:" + appId + ':' + store + ':' + code + ':' + since;
        }

        @Override
        public String kind() {
            return "store-unreachable";
        }
    }
}
