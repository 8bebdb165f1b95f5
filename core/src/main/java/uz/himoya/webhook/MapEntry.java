package uz.himoya.webhook;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import uz.himoya.privacymap.MapProblem;

/**
 * One YAML mapping of the webhooks section, read with line numbers and the privacy map's rules: a key given
 * twice or never asked for is a problem, never silently dropped. The same rules as the privacy map's own
 * reader (uz.himoya.privacymap.YamlNode), which is package-private to the parser; this package takes
 * snakeyaml nodes so that the parser can hand over its {@code webhooks} value without opening that class.
 */
final class MapEntry {
    private final String file;
    private final MappingNode node;
    private final List<MapProblem> problems;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> consumed = new LinkedHashSet<>();

    MapEntry(String file, MappingNode node, List<MapProblem> problems) {
        this.file = file;
        this.node = node;
        this.problems = problems;
        for (NodeTuple t : node.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                problem(line(t.getKeyNode()), "keys must be plain names");
            } else if (entries.put(key.getValue(), t) != null) {
                problem(line(key), "duplicate key '" + key.getValue() + "'");
            }
        }
    }

    static int line(Node n) {
        return n.getStartMark().getLine() + 1;
    }

    int line() {
        return line(node);
    }

    int lineOf(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? line() : line(t.getKeyNode());
    }

    void problem(int line, String message) {
        problems.add(new MapProblem(file, line, message));
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    Optional<Node> raw(String key) {
        consumed.add(key);
        return Optional.ofNullable(entries.get(key)).map(NodeTuple::getValueNode);
    }

    Optional<String> optString(String key, String path) {
        return raw(key).flatMap(v -> {
            if (v instanceof ScalarNode s) {
                return Optional.of(s.getValue().trim());
            }
            problem(line(v), "'" + path + "' must be a single value");
            return Optional.empty();
        });
    }

    /** A required, non-blank scalar; "" (and a problem) when it is not there. */
    String string(String key, String path) {
        if (!has(key)) {
            consumed.add(key);
            problem(line(), "missing required '" + path + "'");
            return "";
        }
        Optional<String> v = optString(key, path);
        if (v.isPresent() && v.get().isEmpty()) {
            problem(lineOf(key), "'" + path + "' must not be empty");
            return "";
        }
        return v.orElse(""); // empty: optString reported a list or mapping
    }

    /** Reports the keys nobody asked for. Call once the parser is done with this mapping. */
    void rejectUnknown(String where) {
        for (var e : entries.entrySet()) {
            if (!consumed.contains(e.getKey())) {
                problem(line(e.getValue().getKeyNode()), "unknown key '" + e.getKey() + "' in " + where);
            }
        }
    }
}
