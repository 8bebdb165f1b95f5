package uz.himoya.deletion;

import java.time.Instant;
import java.util.List;

/**
 * Proof of what an erasure did, per table: rows deleted or anonymized, the data categories erased, and
 * what was kept and why. Contains no personal data, so it is kept as long as the request.
 */
public record Receipt(Instant completedAt, boolean subjectFound, List<Entry> tables) {

    public record Entry(String table, String action, long rows, List<String> categoriesErased,
            List<String> columnsAnonymized, String keptBecause) {
    }
}
