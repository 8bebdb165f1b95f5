package uz.himoya.retention.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.funqy.Funq;
import uz.himoya.problem.Problem;
import uz.himoya.retention.SweepOptions;
import uz.himoya.watchdog.Watchdog;
import uz.himoya.watchdog.WatchdogReport;

/**
 * The hourly deadline watchdog (QUARKUS_FUNQY_EXPORT=deadlineWatchdog), triggered by a schedule. Sample
 * event: src/test/resources/events/scheduled-event.json.
 */
public class DeadlineWatchdogFunction {
    private final Watchdog watchdog;

    public DeadlineWatchdogFunction(Watchdog watchdog) {
        this.watchdog = watchdog;
    }

    @Funq("deadlineWatchdog")
    public WatchdogReport deadlineWatchdog(JsonNode event) {
        if (!(ScheduleEvents.read(event) instanceof ScheduleEvents.Schedule s)) {
            throw new IllegalArgumentException("the deadline watchdog takes scheduled events, not queue messages");
        }
        try {
            return watchdog.run(ScheduleEvents.watchdog(s).app());
        } catch (Problem p) {
            throw new IllegalArgumentException("invalid watchdog event: " + SweepOptions.describe(p));
        }
    }
}
