package uz.himoya.watchdog;

import java.util.List;
import java.util.Map;

/**
 * What one watchdog run did: items re-driven per check, the deadlines it saw, the notes beside them (stores
 * Himoya cannot reach), the digests it mailed (recipients as app ids or "ops", never addresses), and the
 * checks or digests that failed, by error code.
 */
public record WatchdogReport(Map<String, Integer> redriven, DeadlinesView deadlines, List<DigestNote> notes,
        List<String> digestsSent, Map<String, String> failures) {
}
