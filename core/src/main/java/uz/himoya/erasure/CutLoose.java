package uz.himoya.erasure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import uz.himoya.erasure.strategy.AnonymizationStrategy;
import uz.himoya.erasure.strategy.KeyedHashStrategy;
import uz.himoya.erasure.strategy.KeyedNumberStrategy;
import uz.himoya.erasure.strategy.NullStrategy;
import uz.himoya.erasure.strategy.TombstoneStrategy;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.PrivacyMap;

/**
 * A kept row's link to the erased subject, cut by erasure: the column that named the subject (its belongsTo
 * column) or pointed at a mapped table's row (a foreign key), what it pointed at, and what it holds now. The
 * receipt lists them, so the app and the subject can see how a kept row was cut loose (issue 11, part 9).
 *
 * @param references the table the column pointed at, where the catalogue or the map says which
 */
public record CutLoose(String column, Optional<String> references, Now now) {

    /** What the column holds after erasure. */
    public enum Now {
        /** The key of the referenced table's tombstone row (strategy tombstone). */
        TOMBSTONE,
        /** A stable pseudonym (keyed-hash, keyed-number). */
        PSEUDONYM,
        /** Nothing (null). */
        NULL,
        /** A fixed value the map names (fixed, redact). */
        FIXED
    }

    /** The links an anonymizing erasure of table t cuts, in column order. */
    public static List<CutLoose> of(PrivacyMap map, Catalogue catalogue, PrivacyMap.Table t, PrivacyMap.Anonymize a) {
        List<CutLoose> out = new ArrayList<>();
        for (Map.Entry<String, AnonymizationStrategy> e : new TreeMap<>(a.columns()).entrySet()) {
            String column = e.getKey();
            Optional<String> references = catalogue.foreignKeys().stream()
                    .filter(k -> k.table().equals(t.name()) && k.columns().contains(column)
                            && map.table(k.referencedTable()).isPresent())
                    .map(Catalogue.ForeignKey::referencedTable).findFirst();
            boolean belongs = !t.referenced() && column.equals(t.column());
            if (references.isEmpty() && belongs) {
                references = Optional.of(t.parent().orElse(map.subject().table()));
            }
            if (references.isPresent()) {
                out.add(new CutLoose(column, references, now(e.getValue())));
            }
        }
        return List.copyOf(out);
    }

    /** Whether every column the erasure overwrites is a link: the row keeps all it held but who it was about. */
    public static boolean onlyLinks(List<CutLoose> links, PrivacyMap.Anonymize a) {
        return !links.isEmpty() && links.size() == a.columns().size();
    }

    private static Now now(AnonymizationStrategy s) {
        return switch (s) {
            case TombstoneStrategy t -> Now.TOMBSTONE;
            case KeyedHashStrategy k -> Now.PSEUDONYM;
            case KeyedNumberStrategy k -> Now.PSEUDONYM;
            case NullStrategy n -> Now.NULL;
            default -> Now.FIXED;
        };
    }
}
