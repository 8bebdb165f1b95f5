package uz.himoya.erasure.strategy;

import java.util.Optional;
import uz.himoya.catalogue.Catalogue;

/**
 * How one column is overwritten when a row must be kept. One strategy per class, each naming itself;
 * looked up by {@link Strategies#byName}. A strategy says what it does to a value and which columns it fits;
 * the SQL that does it is each store dialect's (uz.himoya.store.postgres.PostgresDialect#anonymized,
 * uz.himoya.store.mysql.MysqlDialect#anonymized), one exhaustive switch over this sealed interface each, so a
 * new strategy does not compile until every dialect can write it.
 */
public sealed interface AnonymizationStrategy permits NullStrategy, RedactStrategy, KeyedHashStrategy,
        FixedStrategy, TombstoneStrategy, KeyedNumberStrategy {

    String name();

    /** Why this strategy cannot apply to the column, if it cannot. */
    Optional<String> incompatibility(Catalogue.Column column);
}
