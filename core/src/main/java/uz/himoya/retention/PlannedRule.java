package uz.himoya.retention;

import java.util.Optional;
import uz.himoya.privacymap.PrivacyMap;
import uz.himoya.store.port.SweepRule;

/**
 * A rule of an app's sweep and where its rows live. A rule of the privacy map lives in one of the app's
 * stores: its batches run on that store's connection, each in one store transaction with a row in the
 * store's himoya_ledger ({@link StoreBatches}), and Himoya records the batch in the run record after the
 * store's commit. One of Himoya's own rules ({@link OwnRules}) lives in Himoya's database: its batch and the
 * run record's progress commit together, on Himoya's connection.
 *
 * <pre>{@code
 * PlannedRule logs = PlannedRule.in(map.store("shop"), rule);
 * PlannedRule runs = PlannedRule.own(ownRule);
 * }</pre>
 */
public record PlannedRule(SweepRule rule, Optional<PrivacyMap.Store> store) {

    public static PlannedRule in(PrivacyMap.Store store, SweepRule rule) {
        return new PlannedRule(rule, Optional.of(store));
    }

    public static PlannedRule own(SweepRule rule) {
        return new PlannedRule(rule, Optional.empty());
    }

    public String name() {
        return rule.name();
    }

    public String action() {
        return rule.action();
    }
}
