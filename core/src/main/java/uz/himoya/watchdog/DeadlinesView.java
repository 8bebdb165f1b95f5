package uz.himoya.watchdog;

import java.time.Instant;
import java.util.List;

/** The watchdog's view (GET /v1/ops/deadlines): per app, what is overdue and what is due soon. */
public record DeadlinesView(Instant asOf, int warningDays, List<App> apps) {

    public record App(String appId, long overdue, long dueSoon, List<DeadlineAlert> items) {
    }
}
