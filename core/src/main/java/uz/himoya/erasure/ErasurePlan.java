package uz.himoya.erasure;

import java.util.List;
import java.util.Optional;

/**
 * One app's erasure as a fixed list of set-based statements, children before parents: one statement per
 * table, never one per row. Built once per app from its validated privacy map. Each statement's parameters
 * are the strategies' bound values, then the subject's key twice. Each answers two counts, the subject's rows
 * in the table and the rows it changed ({@link uz.himoya.db.RowGuard}).
 */
public record ErasurePlan(String appId, List<Step> steps) {

    public enum Action {
        DELETED, ANONYMIZED
    }

    /** The steps on one store's tables, in erasure order. */
    public List<Step> steps(String store) {
        return steps.stream().filter(s -> s.store().equals(store)).toList();
    }

    public record Step(String table, String store, Action action, String sql, List<Object> params, List<String> categories,
            List<String> anonymizedColumns, Optional<String> keptBecause) {
    }
}
