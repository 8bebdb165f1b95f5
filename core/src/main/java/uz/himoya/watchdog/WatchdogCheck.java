package uz.himoya.watchdog;

import java.time.Instant;
import java.util.List;

/**
 * One thing the hourly deadline watchdog looks after: work to drive again when it is stuck, and deadlines
 * to report before or after they pass. Together with the database as the source of truth, the re-drives
 * make a lost queue message delay work but never lose it.
 *
 * <p><b>Extension point.</b> A workflow adds its own checks as {@code @ApplicationScoped} beans implementing
 * this interface; {@link Watchdog} finds every one through CDI ({@code Instance<WatchdogCheck>}), runs all
 * re-drives first, then gathers all alerts into one digest per app. The breach workflow is expected to add:
 * breach notices PENDING or SENDING past their lease, re-queued in {@link #redrive}; and incidents whose
 * authority deadline approaches without authority-notified, reported by {@link #alerts} with
 * {@code opsOnly = true}. An alert's kind needs a label {@code watchdog.kind.<kind>} in the workflow's
 * message bundle family (status labels {@code watchdog.status.<STATUS>} and notes
 * {@code watchdog.note.<note>} are optional). A check may also add {@link DigestNote}s: a section of the
 * digest beside the deadlines.
 *
 * <pre>{@code
 * @ApplicationScoped
 * class StuckNotices implements WatchdogCheck {
 *     public String name() { return "breach-notices"; }
 *     public int redrive(Instant now) { return queue.requeueExpiredLeases(now); }
 * }
 * }</pre>
 */
public interface WatchdogCheck {

    /** A short stable name, used in the watchdog's report and logs. */
    String name();

    /** Drives stuck work again; returns how many items were re-driven. Must be safe to repeat. */
    default int redrive(Instant now) {
        return 0;
    }

    /** Deadlines that passed or fall before warnUntil. Read-only: the HTTP view calls it too. */
    default List<DeadlineAlert> alerts(Instant now, Instant warnUntil) {
        return List.of();
    }

    /**
     * What else the digests should tell (stores Himoya cannot reach),
     * after the re-drives ran. Read-only.
     */
    default List<DigestNote> notes(Instant now) {
        return List.of();
    }
}
