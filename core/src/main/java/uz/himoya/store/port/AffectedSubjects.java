package uz.himoya.store.port;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The subjects a selection reaches, read from the app's own store: the port breach resolution reads
 * through, one implementation per kind of store (uz.himoya.store.postgres, uz.himoya.store.mysql). An
 * implementation is built for one validated map and the catalogue of the store that holds its subject
 * table; every identifier it writes into SQL comes from those two, quoted for its dialect, and every value
 * is bound.
 *
 * <p>Nothing here joins across databases: the store is asked only about its own tables, and the caller
 * writes what it gets into Himoya's database. The subjects come page by page in ascending key order (a
 * keyset: each page is one short statement {@code WHERE key > last ORDER BY key LIMIT n}), so memory is one
 * page whatever the number of subjects, and each statement stays far below the store's statement timeout.
 *
 * <pre>{@code
 * try (Connection store = connections.open(map.subjectStore());
 *         AffectedSubjects.Pages pages = affected.open(store, new AffectedSubjects.Everyone(), 1000)) {
 *     for (List<AffectedSubjects.Subject> page = pages.next(); !page.isEmpty(); page = pages.next()) {
 *         write(page);
 *     }
 * }
 * }</pre>
 */
public interface AffectedSubjects {

    /** Which subjects: structured, never SQL from a caller. */
    sealed interface Selection permits Everyone, Keys, Touched {
    }

    /** Every subject of the app. */
    record Everyone() implements Selection {
    }

    /**
     * Subjects named by key, as text (what an API caller sent). A key that names nobody, or cannot be a
     * value of the key column at all, reaches nobody.
     */
    record Keys(List<String> keys) implements Selection {
        public Keys {
            keys = List.copyOf(keys);
        }
    }

    /**
     * Subjects owning a row of a mapped table whose timestamp column lies inside [from, to), traced to the
     * subject through the table's belongsTo chain.
     *
     * @param table     a table of the map, in the subject's store
     * @param timestamp a temporal column of that table
     */
    record Touched(String table, String timestamp, Instant from, Instant to) implements Selection {
        public Touched {
            Objects.requireNonNull(table);
            Objects.requireNonNull(timestamp);
            Objects.requireNonNull(from);
            Objects.requireNonNull(to);
        }
    }

    /**
     * One subject with a registered address, as the store holds them.
     *
     * @param key    the subject key as text, as the store renders it (PostgreSQL {@code key::text}, MySQL
     *               {@code CAST(key AS CHAR)})
     * @param locale the subject's own language column as stored, or null (none, or no such column)
     */
    record Subject(String key, String email, String locale) {
        @Override
        public String toString() {
            return "Subject[...]"; // personal data never reaches a log through a toString
        }
    }

    /** How many subjects with an address have one stored locale (null: none). */
    record LocaleCount(String locale, long count) {
    }

    /** An open stream of pages; close it to end the store's read snapshot. */
    interface Pages extends AutoCloseable {
        /** The next page: at most the page size, keys ascending after the last page's; empty at the end. */
        List<Subject> next() throws SQLException;

        @Override
        void close() throws SQLException;
    }

    /**
     * Opens a page stream on a connection to the store. The pages read one snapshot of the store where the
     * dialect offers it (a read-only REPEATABLE READ transaction, ended by {@link Pages#close}), so a subject
     * is seen once even while the app writes. The connection is the caller's; it gets back its own
     * auto-commit, read-only and isolation settings on close.
     */
    Pages open(Connection store, Selection selection, int pageSize) throws SQLException;

    /** How many subjects with an address the selection reaches, per stored locale; one statement, no rows. */
    List<LocaleCount> countByLocale(Connection store, Selection selection) throws SQLException;
}
