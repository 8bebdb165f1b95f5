package uz.himoya.deletion;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.util.List;

/**
 * Proof of what an erasure did, per table: rows deleted or anonymized, the data categories erased, and
 * what was kept and why; and per system reached by webhook, what that system reported it erased. Contains no
 * personal data, so it is kept as long as the request.
 */
public record Receipt(Instant completedAt, boolean subjectFound, List<Entry> tables, List<SystemEntry> systems) {

    /** Receipts written before systems existed have no systems member: none took part. */
    @JsonCreator
    public Receipt {
        tables = List.copyOf(tables);
        systems = systems == null ? List.of() : List.copyOf(systems);
    }

    /** A receipt of the app's stores alone (no system took part, or the request waits for a hold). */
    public Receipt(Instant completedAt, boolean subjectFound, List<Entry> tables) {
        this(completedAt, subjectFound, tables, List.of());
    }

    public record Entry(String table, String action, long rows, List<String> categoriesErased,
            List<String> columnsAnonymized, String keptBecause) {
    }

    /**
     * What a system reached by webhook reported after erasing the subject's data there (its 200 reply or
     * its signed callback): how many records, and their data categories.
     */
    public record SystemEntry(String system, long rows, List<String> categoriesErased) {
    }
}
