package uz.himoya.erasure;

import java.util.List;
import java.util.Optional;

/** What erasure did to one table: a line of the receipt. cutLoose: the links of kept rows it cut, and how. */
public record TableOutcome(String table, ErasureAction action, long rows, List<String> categories,
        List<String> anonymizedColumns, Optional<String> keptBecause, List<CutLoose> cutLoose) {

    public TableOutcome(String table, ErasureAction action, long rows, List<String> categories,
            List<String> anonymizedColumns, Optional<String> keptBecause) {
        this(table, action, rows, categories, anonymizedColumns, keptBecause, List.of());
    }
}
