/**
 * The hourly deadline watchdog (issue 4). {@link uz.himoya.watchdog.Watchdog} runs every
 * {@link uz.himoya.watchdog.WatchdogCheck} it finds through CDI: first their re-drives (stuck work enqueued
 * again: {@link uz.himoya.watchdog.DeletionRedrive}), then their deadline alerts
 * ({@link uz.himoya.watchdog.DeletionDeadlines}), mailed as one digest per app in the app's default
 * language ({@link uz.himoya.watchdog.DeadlineDigests}, {@link uz.himoya.watchdog.WatchdogMails}) and shown to
 * ops (GET /v1/ops/deadlines). Other workflows (breach notices, authority deadlines) plug in by adding a
 * WatchdogCheck bean. Besides deadlines a check may add {@link uz.himoya.watchdog.DigestNote}s, a section
 * of the digest each: app stores Himoya cannot reach ({@link uz.himoya.watchdog.AppStoreCheck}).
 */
package uz.himoya.watchdog;
