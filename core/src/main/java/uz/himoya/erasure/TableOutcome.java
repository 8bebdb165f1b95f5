package uz.himoya.erasure;

import java.util.List;
import java.util.Optional;

/** What erasure did to one table: a line of the receipt. */
public record TableOutcome(String table, ErasurePlan.Action action, long rows, List<String> categories,
        List<String> anonymizedColumns, Optional<String> keptBecause) {
}
