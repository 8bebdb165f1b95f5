package uz.himoya.breach;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import uz.himoya.db.SqlErrors;
import uz.himoya.db.StoreUnavailable;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.StoreDialects;
import uz.himoya.store.port.AffectedSubjects;

/**
 * Turns a selection into notice rows, across databases: the affected subjects are read page by page from
 * the app's own store ({@link AffectedSubjects}, a keyset in key order) and each page is written into
 * Himoya's breach_notice ({@link NoticeCopy}, COPY). Nothing joins the two databases, and memory holds one
 * page whatever the number of subjects. Subjects without a registered address get no row (there is nobody
 * to write to); the count says so.
 */
final class BreachResolver {
    /** Subjects per page: one short statement on the store, one COPY chunk into Himoya's table. */
    static final int PAGE_SIZE = 2000;

    /** What one resolution did: notices added, pages read, and the most subjects held at once. */
    record Resolution(int added, int pages, int mostHeld) {
    }

    private BreachResolver() {
    }

    /** The port in the dialect of the store that holds the subject table (StoreDialects picks it). */
    static AffectedSubjects affectedSubjects(PrivacyMap map, Catalogue subjectCatalogue) {
        return StoreDialects.of(map.subjectStore().kind()).affected(map, subjectCatalogue);
    }

    /** The ops API's selection in the port's terms: a selector names its table and timestamp column. */
    static AffectedSubjects.Selection selection(PrivacyMap map, BreachCommand.Selection selection, Instant from,
            Instant to) {
        return switch (selection) {
            case BreachCommand.All all -> new AffectedSubjects.Everyone();
            case BreachCommand.Subjects subjects -> new AffectedSubjects.Keys(subjects.ids());
            case BreachCommand.Selector selector -> {
                PrivacyMap.BreachSelector sel = map.breachSelectors().stream()
                        .filter(x -> x.name().equals(selector.name())).findFirst().orElseThrow();
                yield new AffectedSubjects.Touched(sel.table(), sel.timestamp(), from, to);
            }
        };
    }

    /**
     * Adds one PENDING notice per affected subject with an address that the incident does not have yet,
     * numbered on from the incident's highest seq without gaps, on the caller's transaction of Himoya's
     * database (which must not auto-commit: the rows and the incident's total commit together). Resolving
     * the same selection again adds nothing. Returns how many were added.
     *
     * @param store a connection to the app's store that holds the subject table
     */
    static Resolution resolve(Connection himoya, UUID incident, Connection store, PrivacyMap map,
            AffectedSubjects affected, AffectedSubjects.Selection selection, String hashKey,
            Function<String, byte[]> seal, int pageSize) throws SQLException {
        int pages = 0;
        int mostHeld = 0;
        AffectedSubjects.Pages stream = storeCall(map, () -> affected.open(store, selection, pageSize));
        try (NoticeCopy copy = new NoticeCopy(himoya, incident, hashKey, map.app(), seal)) {
            for (List<AffectedSubjects.Subject> page = storeCall(map, stream::next); !page.isEmpty();
                    page = storeCall(map, stream::next)) {
                pages++;
                mostHeld = Math.max(mostHeld, page.size());
                copy.write(page);
            }
            return new Resolution(copy.finish(), pages, mostHeld);
        } finally {
            try {
                stream.close();
            } catch (SQLException e) {
                // Ending the store's read-only snapshot failed: nothing was written there, and what was read is
                // complete (or its failure is already on its way). The broken connection is the pool's to drop.
            }
        }
    }

    /**
     * How many subjects with an address the selection would reach, per language asked for (the subject's own
     * if the app offers it, else the app's default: the locale a notice row would get), counted on the store.
     * Changes nothing.
     */
    static Map<String, Long> countByLocale(Connection store, PrivacyMap map, AffectedSubjects affected,
            AffectedSubjects.Selection selection) {
        Map<String, Long> out = new TreeMap<>();
        for (AffectedSubjects.LocaleCount n : storeCall(map, () -> affected.countByLocale(store, selection))) {
            out.merge(NoticeCopy.locale(n.locale(), map.app()), n.count(), Long::sum);
        }
        return out;
    }

    @FunctionalInterface
    interface StoreWork<T> {
        T run() throws SQLException;
    }

    /**
     * A failure of the app's store is the app's outage, not Himoya's: the incident is not registered and the
     * call may be retried (503). Only the SQL state is kept; a store's message may quote its data.
     */
    static <T> T storeCall(PrivacyMap map, StoreWork<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new StoreUnavailable(map.app().id(), map.subjectStore().name(), SqlErrors.code(e));
        }
    }
}
