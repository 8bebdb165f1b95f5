package uz.himoya.retention.http;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import uz.himoya.json.StrictJson;
import uz.himoya.problem.Problem;
import uz.himoya.retention.HoldCommand;
import uz.himoya.retention.SweepOptions;
import uz.himoya.watchdog.WatchdogOptions;

/**
 * The ops bodies, as records read by StrictJson. Every route here changes or removes data, so nothing is
 * left to a default: an empty body is a 400, and a sweep names its app ("*" for every app) and says
 * whether it is a dry run.
 */
final class OpsJson {
    /** {"app": "demo" | "*", "dryRun": true | false, "rules": [...], "timeBudget": "PT5M"} */
    record Sweep(String app, Boolean dryRun, Optional<List<String>> rules, Optional<Duration> timeBudget) {
    }

    /** {"app": "demo" | "*"} */
    record WatchdogRun(String app) {
    }

    /** {"subject": {"id" | "email"}, "reason": "..."} */
    record Hold(HoldSubject subject, String reason) {
    }

    record HoldSubject(@StrictJson.NumberAsText Optional<String> id, Optional<String> email) {
    }

    /** {} or {"reason": "..."} for lifting a hold. */
    record Lift(Optional<String> reason) {
    }

    private OpsJson() {
    }

    static SweepOptions sweep(byte[] body) {
        Sweep s = StrictJson.read(body, Sweep.class);
        return SweepOptions.of(s.app(), s.rules(), s.dryRun(), s.timeBudget());
    }

    static WatchdogOptions watchdog(byte[] body) {
        return WatchdogOptions.of(StrictJson.read(body, WatchdogRun.class).app());
    }

    static HoldCommand hold(byte[] body) {
        Hold h = StrictJson.read(body, Hold.class);
        return new HoldCommand(h.subject().id(), h.subject().email(), h.reason());
    }

    static Optional<String> liftReason(byte[] body) {
        Optional<String> reason = StrictJson.read(body, Lift.class).reason();
        if (reason.isPresent() && reason.get().length() > 500) {
            throw Problem.validation(List.of(new Problem.FieldError("reason", "must be at most 500 characters")));
        }
        return reason;
    }

    /** A malformed id cannot name anything: the same 404 as an unknown one. */
    static UUID uuid(String id, String what) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw Problem.notFound(what);
        }
    }
}
