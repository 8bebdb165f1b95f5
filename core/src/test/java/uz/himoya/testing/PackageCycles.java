package uz.himoya.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

/**
 * Package cycles among Himoya's compiled classes, from the JDK's own jdeps (bytecode, so a type used only in a
 * signature or a constant counts; a name in a comment does not). Issue 11, part 10: a newcomer reads a
 * workflow's folder top to bottom only if no package needs one that needs it back.
 */
public final class PackageCycles {
    private static final Pattern EDGE = Pattern.compile("^\\s+(uz\\.himoya\\S*)\\s+->\\s+(uz\\.himoya\\S*)\\s");

    private PackageCycles() {
    }

    /** Each cycle (a strongly connected set of two or more packages) with its edges, as text; empty if none. */
    public static List<String> in(Path... classDirectories) {
        Map<String, Set<String>> edges = edges(classDirectories);
        List<String> out = new ArrayList<>();
        for (Set<String> component : components(edges)) {
            StringBuilder text = new StringBuilder("cycle among " + component + ":");
            for (String from : component) {
                Set<String> inside = new TreeSet<>(edges.get(from));
                inside.retainAll(component);
                text.append("\n  ").append(from).append(" -> ").append(inside);
            }
            out.add(text.toString());
        }
        return out;
    }

    static Map<String, Set<String>> edges(Path... classDirectories) {
        List<String> args = new ArrayList<>(List.of("-verbose:package", "-filter:none", "-e", "uz\\.himoya\\..*"));
        for (Path p : classDirectories) {
            if (!Files.isDirectory(p)) {
                throw new IllegalStateException("no compiled classes at " + p.toAbsolutePath());
            }
            args.add(p.toString());
        }
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException(
                "this JDK has no jdeps"));
        StringWriter text = new StringWriter();
        PrintWriter w = new PrintWriter(text);
        int rc = jdeps.run(w, w, args.toArray(String[]::new));
        w.flush();
        if (rc != 0) {
            throw new IllegalStateException("jdeps failed (" + rc + "):\n" + text);
        }
        Map<String, Set<String>> edges = new TreeMap<>();
        for (String line : text.toString().split("\n")) {
            Matcher m = EDGE.matcher(line);
            if (m.find()) {
                edges.computeIfAbsent(m.group(1), k -> new TreeSet<>());
                edges.computeIfAbsent(m.group(2), k -> new TreeSet<>());
                if (!m.group(1).equals(m.group(2))) {
                    edges.get(m.group(1)).add(m.group(2));
                }
            }
        }
        return edges;
    }

    /** Tarjan's strongly connected components of two or more packages (a few dozen: recursion is fine). */
    private static List<Set<String>> components(Map<String, Set<String>> edges) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String root : edges.keySet()) {
            if (!index.containsKey(root)) {
                strongConnect(root, edges, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void strongConnect(String v, Map<String, Set<String>> edges, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : edges.get(v)) {
            if (!index.containsKey(w)) {
                strongConnect(w, edges, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                out.add(component);
            }
        }
    }
}
