package uz.himoya.deletion;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.util.List;

/**
 * Proof of what an erasure did, per table: rows deleted, anonymized or cut loose, the data categories erased,
 * what was kept and why, and how each kept row's links to the subject were cut; and per system reached by
 * webhook, what that system reported it erased. Contains no personal data (a pseudonym's value is not
 * written, only that one was), so it is kept as long as the request.
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

    /** cutLoose is null in receipts written before it existed. */
    public record Entry(String table, String action, long rows, List<String> categoriesErased,
            List<String> columnsAnonymized, String keptBecause, List<Link> cutLoose) {

        public Entry(String table, String action, long rows, List<String> categoriesErased,
                List<String> columnsAnonymized, String keptBecause) {
            this(table, action, rows, categoriesErased, columnsAnonymized, keptBecause, List.of());
        }
    }

    /**
     * A kept row's link to the subject that erasure cut: the column, the table it pointed at, and what it holds
     * now: TOMBSTONE (the key of that table's tombstone row, given in tombstone), PSEUDONYM, NULL or FIXED.
     */
    public record Link(String column, String references, String now, String tombstone) {
    }

    /**
     * What a system reached by webhook reported after erasing the subject's data there (its 200 reply or
     * its signed callback): how many records, and their data categories.
     */
    public record SystemEntry(String system, long rows, List<String> categoriesErased) {
    }
}
