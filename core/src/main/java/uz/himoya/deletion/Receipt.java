package uz.himoya.deletion;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.util.List;

/**
 * Proof of what an erasure did, per table: rows deleted, anonymized or cut loose, the data categories erased,
 * what was kept and why, and how each kept row's links to the subject were cut; per system reached by
 * webhook, what that system reported it erased; and per store of the app, that it was erased and how many
 * rows it changed (issue 11: a request completes only when every store and system is done). Contains no personal data (a pseudonym's value is not
 * written, only that one was), so it is kept as long as the request.
 */
public record Receipt(Instant completedAt, boolean subjectFound, List<Entry> tables, List<SystemEntry> systems,
        List<StoreEntry> stores) {

    /** Receipts written before systems or stores existed lack those members: none took part, or none was named. */
    @JsonCreator
    public Receipt {
        tables = List.copyOf(tables);
        systems = systems == null ? List.of() : List.copyOf(systems);
        stores = stores == null ? List.of() : List.copyOf(stores);
    }

    /** A receipt of the app's stores alone (no system took part, or the request waits for a hold). */
    public Receipt(Instant completedAt, boolean subjectFound, List<Entry> tables) {
        this(completedAt, subjectFound, tables, List.of(), List.of());
    }

    public Receipt(Instant completedAt, boolean subjectFound, List<Entry> tables, List<SystemEntry> systems) {
        this(completedAt, subjectFound, tables, systems, List.of());
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

    /** One of the app's stores (the map's name and kind), erased in one transaction of its own: rows changed. */
    public record StoreEntry(String store, String kind, long rows) {
    }
}
