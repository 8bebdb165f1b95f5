package uz.himoya.privacymap;

import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a retention rule's {@code when} (docs/privacy-map.md, "Retention rules"): one check on a column,
 *
 * <pre>
 * when: { column: last_sign_in_at, olderThan: P2Y }
 * when: { column: active, equals: false }
 * when: { column: status, in: [closed, cancelled] }
 * when: { column: deleted_at, isNull: true }
 * </pre>
 *
 * or {@code when: { all: [check, check, ...] }}, every one of which must hold. Only the structure is checked
 * here; whether a column exists and each value fits its type is {@link CatalogueValidator}'s part. Strict on
 * purpose: a condition that silently meant something else would sweep rows the map never meant to.
 */
final class ConditionParser {
    /** A longer list is a lookup table, not a rule; and every value is one bound parameter. */
    static final int MAX_VALUES = 100;
    /** Each column at most once, so a rule never has more checks than this in practice. */
    static final int MAX_CHECKS = 10;
    /** Values are codes (a status, a plan), not prose. */
    static final int MAX_TEXT = 200;
    private static final List<String> OPERATORS = List.of("olderThan", "isNull", "equals", "in");
    /** Plain scalars YAML reads as null. */
    private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");

    private ConditionParser() {
    }

    /** The condition; problems go to the map's list (the parser then throws them all at once). */
    static Optional<PrivacyMap.Condition> when(YamlNode r, Node node, String table, String retentionColumn) {
        String where = "retention.when of table " + table;
        if (!(node instanceof MappingNode m)) {
            r.problem(YamlNode.line(node), where + " must be a mapping: {column: ..., olderThan | isNull | equals"
                    + " | in: ...} or {all: [...]}");
            return Optional.empty();
        }
        YamlNode w = r.child(m);
        if (w.keys().contains("all")) {
            return all(w, where, retentionColumn);
        }
        return check(w, where, retentionColumn).map(c -> c);
    }

    private static Optional<PrivacyMap.Condition> all(YamlNode w, String where, String retentionColumn) {
        Node list = w.raw("all").orElseThrow();
        if (w.keys().size() > 1) {
            w.problem(w.lineOf("all"), where + ": 'all' stands alone; write every check inside its list");
            w.keys().forEach(w::raw);
        }
        w.rejectUnknown(where);
        if (!(list instanceof SequenceNode s)) {
            w.problem(YamlNode.line(list), where + ": 'all' takes a list of checks");
            return Optional.empty();
        }
        if (s.getValue().isEmpty() || s.getValue().size() > MAX_CHECKS) {
            w.problem(YamlNode.line(list), where + ": 'all' lists 1 to " + MAX_CHECKS + " checks");
        }
        List<PrivacyMap.Condition.Check> checks = new ArrayList<>();
        Set<String> columns = new LinkedHashSet<>();
        for (Node n : s.getValue()) {
            if (!(n instanceof MappingNode m)) {
                w.problem(YamlNode.line(n), where + ": each entry of 'all' is a check {column: ..., olderThan |"
                        + " isNull | equals | in: ...}");
                continue;
            }
            YamlNode c = w.child(m);
            if (c.keys().contains("all")) {
                c.problem(c.lineOf("all"), where + ": 'all' cannot be nested; list every check in the one 'all'");
                c.keys().forEach(c::raw);
                continue;
            }
            check(c, where, retentionColumn).ifPresent(check -> {
                if (!columns.add(check.column())) {
                    // Two checks on one column are redundant (two periods) or can never both hold (two values).
                    c.problem(c.lineOf("column"), where + ": column " + check.column() + " has two checks; give"
                            + " each column one");
                }
                checks.add(check);
            });
        }
        return Optional.of(new PrivacyMap.Condition.All(w.line(), checks));
    }

    private static Optional<PrivacyMap.Condition.Check> check(YamlNode c, String where, String retentionColumn) {
        String column = PrivacyMapParser.identifier(c, "column", "retention.when.column");
        if (column.equals(retentionColumn)) {
            c.problem(c.lineOf("column"), where + ": column " + column + " is the rule's own retention column,"
                    + " which keep already compares");
        }
        List<String> given = OPERATORS.stream().filter(c.keys()::contains).toList();
        Optional<PrivacyMap.Condition.Check> out = Optional.empty();
        if (given.size() != 1) {
            c.problem(c.line(), where + " needs exactly one of olderThan, isNull, equals or in"
                    + (given.isEmpty() ? "" : ", not " + String.join(" and ", given)));
            given.forEach(c::raw);
        } else {
            String op = given.get(0);
            int line = c.lineOf(op);
            out = switch (op) {
                case "olderThan" -> {
                    Optional<TemporalAmount> period = PrivacyMapParser.duration(c, op, "retention.when.olderThan");
                    yield period.map(p -> new PrivacyMap.Condition.OlderThan(line, column, p));
                }
                case "isNull" -> {
                    Optional<String> v = c.optString(op);
                    if (v.isPresent() && !v.get().equals("true")) {
                        c.problem(line, where + ": isNull can only be true (a column that must hold a value is"
                                + " checked with equals or in)");
                    }
                    yield Optional.of(new PrivacyMap.Condition.IsNull(line, column));
                }
                case "equals" -> {
                    Node v = c.raw(op).orElseThrow();
                    if (!(v instanceof ScalarNode s)) {
                        c.problem(YamlNode.line(v), where + ": equals takes one value; for several write in: [a, b]");
                        yield Optional.empty();
                    }
                    yield literal(c, s, where).map(l -> new PrivacyMap.Condition.OneOf(line, column, op, List.of(l)));
                }
                default -> values(c, c.raw(op).orElseThrow(), where)
                        .map(vs -> new PrivacyMap.Condition.OneOf(line, column, op, vs));
            };
        }
        c.rejectUnknown(where + " (a check has column and one of olderThan, isNull, equals, in; several"
                + " checks go in all: [...])");
        return out;
    }

    private static Optional<List<PrivacyMap.Literal>> values(YamlNode c, Node node, String where) {
        if (!(node instanceof SequenceNode s)) {
            c.problem(YamlNode.line(node), where + ": in takes a list, such as in: [closed, cancelled]");
            return Optional.empty();
        }
        if (s.getValue().isEmpty() || s.getValue().size() > MAX_VALUES) {
            c.problem(YamlNode.line(node), where + ": in lists 1 to " + MAX_VALUES + " values");
            return Optional.empty();
        }
        List<PrivacyMap.Literal> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Node n : s.getValue()) {
            if (!(n instanceof ScalarNode v)) {
                c.problem(YamlNode.line(n), where + ": each value of in is a single value");
                continue;
            }
            literal(c, v, where).ifPresent(l -> {
                if (!seen.add(l.text())) {
                    c.problem(l.line(), where + ": value '" + l.text() + "' is listed twice");
                }
                out.add(l);
            });
        }
        return Optional.of(out);
    }

    private static Optional<PrivacyMap.Literal> literal(YamlNode c, ScalarNode s, String where) {
        boolean plain = s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
        String text = s.getValue();
        int line = YamlNode.line(s);
        if (plain && NULLS.contains(text)) {
            c.problem(line, where + ": a value cannot be null; to take rows whose column is NULL write isNull: true");
            return Optional.empty();
        }
        if (text.length() > MAX_TEXT || text.chars().anyMatch(Character::isISOControl)) {
            c.problem(line, where + ": a value is at most " + MAX_TEXT + " characters, without control characters");
            return Optional.empty();
        }
        return Optional.of(new PrivacyMap.Literal(line, text, plain));
    }
}
