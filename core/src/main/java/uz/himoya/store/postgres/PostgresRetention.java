package uz.himoya.store.postgres;

import static uz.himoya.store.postgres.PostgresDialect.quote;

import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import uz.himoya.erasure.strategy.AnonymizationStrategy;
import uz.himoya.erasure.strategy.FixedStrategy;
import uz.himoya.erasure.strategy.KeyedHashStrategy;
import uz.himoya.erasure.strategy.KeyedNumberStrategy;
import uz.himoya.erasure.strategy.NullStrategy;
import uz.himoya.erasure.strategy.RedactStrategy;
import uz.himoya.erasure.strategy.TombstoneStrategy;
import uz.himoya.catalogue.Catalogue;
import uz.himoya.privacymap.ConditionValues;
import uz.himoya.privacymap.PrivacyMap;

/**
 * Turns the retention rules of a validated privacy map into {@link PostgresSweepRule}s. Identifiers come only from the
 * catalogue-validated map, quoted; values are bound.
 *
 * <p>Anonymizing rules must be idempotent, because a row stays after its columns are overwritten and would
 * match the rule again on every later sweep. Each strategy therefore has a "done" test (NULL, the redact
 * marker, the fixed value, or 64 hex characters for a keyed hash): rows whose columns are all done are not
 * picked again, and a keyed-hash column already holding a hash is never hashed twice, so the pseudonym stays
 * stable (docs/privacy-map.md: "a stable pseudonym"). The one blind spot: a value that already was 64 lower
 * hex characters before anonymization counts as hashed.
 */
public final class PostgresRetention {
    static final String HEX64 = "'^[0-9a-f]{64}$'";

    private PostgresRetention() {
    }

    /** For a map whose stores are all described by one catalogue (tests of a single schema). */
    public static List<PostgresSweepRule> plan(PrivacyMap map, Catalogue catalogue, String pseudonymKey) {
        return plan(map, catalogue.forEveryStore(map.stores().stream().map(PrivacyMap.Store::name).toList()),
                pseudonymKey);
    }

    /** catalogues: each store's, by store name. */
    public static List<PostgresSweepRule> plan(PrivacyMap map, Map<String, Catalogue> catalogues, String pseudonymKey) {
        List<PostgresSweepRule> rules = new ArrayList<>();
        for (PrivacyMap.Table t : map.tables()) {
            t.retention().ifPresent(r -> rules.add(compile(map, catalogues.get(t.store()), t, r, pseudonymKey)));
        }
        return List.copyOf(rules);
    }

    /** The retention rules on the tables one PostgreSQL store of the map holds, in the map's order. */
    public static List<PostgresSweepRule> plan(PrivacyMap map, String store, Catalogue catalogue, String pseudonymKey) {
        List<PostgresSweepRule> rules = new ArrayList<>();
        for (PrivacyMap.Table t : map.tablesOf(store)) {
            t.retention().ifPresent(r -> rules.add(compile(map, catalogue, t, r, pseudonymKey)));
        }
        return List.copyOf(rules);
    }

    static PostgresSweepRule compile(PrivacyMap map, Catalogue catalogue, PrivacyMap.Table t, PrivacyMap.Retention r,
            String pseudonymKey) {
        String target = quote(map.store(t.store()).schema()) + "." + quote(t.name());
        String column = "t." + quote(r.column());
        String columnType = catalogue.column(t.name(), r.column()).orElseThrow().sqlType();
        List<TemporalAmount> cutoffs = new ArrayList<>(List.of(r.keep()));
        StringBuilder filter = new StringBuilder(column + " < CAST(? AS timestamptz)");
        List<Object> filterParams = new ArrayList<>();
        when(catalogue, t, r, filter, cutoffs, filterParams);
        String change;
        List<Object> changeParams = new ArrayList<>();
        String action;
        if (r.action() instanceof PrivacyMap.Anonymize a) {
            action = "ANONYMIZE";
            List<String> done = new ArrayList<>();
            List<String> sets = new ArrayList<>();
            for (Map.Entry<String, AnonymizationStrategy> e : new TreeMap<>(a.columns()).entrySet()) {
                Catalogue.Column col = catalogue.column(t.name(), e.getKey()).orElseThrow();
                done.add(done("t." + quote(e.getKey()), e.getValue(), col, filterParams));
                sets.add(set(quote(e.getKey()), e.getValue(), col, pseudonymKey, changeParams));
            }
            filter.append(" AND NOT (").append(String.join(" AND ", done)).append(")");
            change = "UPDATE " + target + " t SET " + String.join(", ", sets);
        } else {
            action = "DELETE";
            change = "DELETE FROM " + target + " t";
        }
        excludeTombstone(t, filter, filterParams);
        return new PostgresSweepRule(t.name(), action, r.reason(), target + " t", column, columnType,
                catalogue.identity(t.name()), List.copyOf(cutoffs), filter.toString(), List.copyOf(filterParams),
                PostgresErasurePlanner.subjectKey(map, t, "t"), change, List.copyOf(changeParams),
                map.app().jurisdiction().zone());
    }

    /**
     * The rule's when, ANDed to the filter, its values bound (docs/privacy-map.md, "Retention rules").
     * PostgresSweepRule binds every cut-off before the filter's other values, so the checks against a period come first in the
     * SQL too. An enum value is cast to the column's type (PostgreSQL compares no enum with text); every other
     * value is bound as what it is (Boolean, Long, String), never cast to the column's type, which could cut
     * a long text down to a varchar's length and make it match.
     */
    static void when(Catalogue catalogue, PrivacyMap.Table t, PrivacyMap.Retention r, StringBuilder filter,
            List<TemporalAmount> cutoffs, List<Object> params) {
        for (PrivacyMap.Condition.Check check : r.checks()) {
            if (check instanceof PrivacyMap.Condition.OlderThan o) {
                filter.append(" AND t.").append(quote(o.column())).append(" < CAST(? AS timestamptz)");
                cutoffs.add(o.period());
            }
        }
        for (PrivacyMap.Condition.Check check : r.checks()) {
            switch (check) {
                case PrivacyMap.Condition.OlderThan o -> {
                    // above
                }
                case PrivacyMap.Condition.IsNull n ->
                    filter.append(" AND t.").append(quote(n.column())).append(" IS NULL");
                case PrivacyMap.Condition.OneOf o -> {
                    Catalogue.Column c = catalogue.column(t.name(), o.column()).orElseThrow();
                    String one = ConditionValues.kind(c).orElseThrow() == ConditionValues.Kind.ENUM
                            ? "CAST(? AS " + c.sqlType() + ")"
                            : "?";
                    filter.append(" AND t.").append(quote(o.column())).append(" IN (")
                            .append(String.join(", ", Collections.nCopies(o.values().size(), one))).append(")");
                    o.values().forEach(v -> params.add(ConditionValues.value(c, v)));
                }
            }
        }
    }

    /**
     * A table's tombstone is nobody's row: no sweep picks it (a sweep that deleted it would fail on every kept
     * row pointing at it; one that anonymized it would only rewrite it).
     */
    private static void excludeTombstone(PrivacyMap.Table t, StringBuilder filter, List<Object> filterParams) {
        t.tombstone().ifPresent(ts -> {
            filter.append(" AND t.").append(quote(ts.keyColumn())).append(" <> CAST(? AS ").append(ts.keyType())
                    .append(")");
            filterParams.add(ts.key());
        });
    }

    /** The test that a column already holds what the strategy writes. Always TRUE or FALSE, never NULL. */
    static String done(String column, AnonymizationStrategy s, Catalogue.Column c, List<Object> params) {
        return switch (s) {
            case NullStrategy n -> column + " IS NULL";
            case RedactStrategy r -> {
                params.add(RedactStrategy.MARKER);
                yield column + " IS NOT DISTINCT FROM CAST(? AS " + c.sqlType() + ")";
            }
            case FixedStrategy f -> {
                params.add(f.value());
                yield column + " IS NOT DISTINCT FROM CAST(? AS " + c.sqlType() + ")";
            }
            // NULL stays NULL under keyed-hash, so NULL is done too.
            case KeyedHashStrategy k -> "(" + column + " IS NULL OR " + column + "::text ~ " + HEX64 + ")";
            // Pseudonyms are negative, real ids are not (KeyedNumberStrategy).
            case KeyedNumberStrategy k -> "(" + column + " IS NULL OR " + column + " < 0)";
            case TombstoneStrategy t -> {
                params.add(t.requireKey());
                yield column + " IS NOT DISTINCT FROM CAST(? AS " + c.sqlType() + ")";
            }
        };
    }

    /** SET column = strategy, guarded for keyed-hash so that a pseudonym is never hashed again. */
    static String set(String column, AnonymizationStrategy s, Catalogue.Column c, String pseudonymKey,
            List<Object> params) {
        String expression = PostgresDialect.anonymized(column, s, c, pseudonymKey, params);
        if (s instanceof KeyedHashStrategy) {
            return column + " = CASE WHEN " + column + "::text ~ " + HEX64 + " THEN " + column + " ELSE "
                    + expression + " END";
        }
        if (s instanceof KeyedNumberStrategy) {
            return column + " = CASE WHEN " + column + " < 0 THEN " + column + " ELSE " + expression + " END";
        }
        return column + " = " + expression;
    }
}
