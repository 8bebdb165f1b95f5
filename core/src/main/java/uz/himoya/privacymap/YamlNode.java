package uz.himoya.privacymap;

import java.util.ArrayList;
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
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML mapping read with line numbers. Every key the parser does not consume is reported as unknown:
 * a typo in a privacy map must fail loudly, never silently switch an erasure off.
 */
final class YamlNode {
    private final String file;
    private final MappingNode node;
    private final List<MapProblem> problems;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> consumed = new LinkedHashSet<>();

    YamlNode(String file, MappingNode node, List<MapProblem> problems) {
        this.file = file;
        this.node = node;
        this.problems = problems;
        for (NodeTuple t : node.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                // A list or mapping as a key would be dropped silently otherwise.
                problems.add(new MapProblem(file, line(t.getKeyNode()), "keys must be plain names"));
            } else if (entries.put(key.getValue(), t) != null) {
                // YAML readers keep the last of two equal keys; a map must not silently lose the first.
                problems.add(new MapProblem(file, line(key), "duplicate key '" + key.getValue() + "'"));
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

    Set<String> keys() {
        return entries.keySet();
    }

    Optional<Node> raw(String key) {
        consumed.add(key);
        return Optional.ofNullable(entries.get(key)).map(NodeTuple::getValueNode);
    }

    Optional<String> optString(String key) {
        return optString(key, key);
    }

    /** A scalar, or empty (with a problem naming path) when the key holds a list or mapping. */
    Optional<String> optString(String key, String path) {
        return raw(key).flatMap(v -> {
            if (v instanceof ScalarNode s) {
                return Optional.of(s.getValue());
            }
            problem(line(v), "'" + path + "' must be a single value");
            return Optional.empty();
        });
    }

    /** A required, non-blank scalar, trimmed; "" (and one problem) when it is not there. */
    String string(String key, String path) {
        if (!entries.containsKey(key)) {
            consumed.add(key);
            problem(line(), "missing required '" + path + "'");
            return "";
        }
        if (!(entries.get(key).getValueNode() instanceof ScalarNode)) {
            optString(key, path); // reports the list or mapping once
            return "";
        }
        String v = optString(key, path).orElse("");
        if (v.isBlank()) {
            problem(lineOf(key), "'" + path + "' must not be empty");
            return "";
        }
        return v.trim();
    }

    Optional<YamlNode> optMapping(String key) {
        return raw(key).flatMap(v -> {
            if (v instanceof MappingNode m) {
                return Optional.of(new YamlNode(file, m, problems));
            }
            problem(line(v), "'" + key + "' must be a mapping");
            return Optional.empty();
        });
    }

    YamlNode mapping(String key, String path) {
        return optMapping(key).orElseGet(() -> {
            if (!entries.containsKey(key)) {
                problem(line(), "missing required '" + path + "'");
            }
            // An empty stand-in that keeps the parent's position, so later problems still have a line.
            return new YamlNode(file, new MappingNode(node.getTag(), true, List.of(), node.getStartMark(),
                    node.getEndMark(), node.getFlowStyle()), problems);
        });
    }

    /** A list of scalars, or of mappings when asMappings. */
    List<Node> sequence(String key, String path) {
        Optional<Node> v = raw(key);
        if (v.isEmpty()) {
            problem(line(), "missing required '" + path + "'");
            return List.of();
        }
        if (v.get() instanceof SequenceNode s) {
            return s.getValue();
        }
        problem(line(v.get()), "'" + path + "' must be a list");
        return List.of();
    }

    /** All entries of this mapping as (key, value node) in file order. */
    List<Map.Entry<String, Node>> entries() {
        List<Map.Entry<String, Node>> out = new ArrayList<>();
        entries.forEach((k, t) -> out.add(Map.entry(k, t.getValueNode())));
        consumed.addAll(entries.keySet());
        return out;
    }

    YamlNode child(MappingNode m) {
        return new YamlNode(file, m, problems);
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
