package io.jenkins.plugins.grocker.plan;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Images as a graph: an edge from each parent to its children. Knows the build order (parents first), the
 * levels (images of one level do not depend on each other and may be built at the same time) and the
 * descendants of an image. Made from a hierarchy spec or from any list of {@link Node}s (the build targets of an
 * application). Immutable.
 */
public final class BuildGraph {
    /**
     * One image: its name, its parent in the graph (or null) and, for a root, what it starts from.
     */
    public record Node(String name, String parent, String from) {}

    private final Map<String, Node> nodes;
    private final Map<String, List<String>> children;
    private final List<List<String>> levels;

    private BuildGraph(Map<String, Node> nodes, Map<String, List<String>> children, List<List<String>> levels) {
        this.nodes = nodes;
        this.children = children;
        this.levels = levels;
    }

    /**
     * Builds the graph.
     *
     * @throws InputException when a parent is unknown or the parents form a cycle
     */
    public static BuildGraph of(HierarchySpec spec) throws InputException {
        return of(String.valueOf(spec.file()),
                spec.images().stream().map(i -> new Node(i.name(), i.parent(), i.from())).toList());
    }

    /**
     * Builds the graph of these nodes.
     *
     * @param origin the file the nodes come from, for messages
     * @throws InputException when a parent is unknown or the parents form a cycle
     */
    public static BuildGraph of(String origin, List<Node> list) throws InputException {
        Map<String, Node> nodes = new LinkedHashMap<>();
        list.forEach(n -> nodes.put(n.name(), n));
        Map<String, List<String>> children = new LinkedHashMap<>();
        nodes.keySet().forEach(n -> children.put(n, new ArrayList<>()));
        for (Node image : nodes.values()) {
            if (image.parent() != null) {
                if (!nodes.containsKey(image.parent())) {
                    throw new InputException(origin + ": image '" + image.name() + "': field 'parent': '"
                            + image.parent() + "' is not an image of this spec");
                }
                children.get(image.parent()).add(image.name());
            }
        }
        checkCycles(origin, nodes);
        Map<String, Integer> depth = new LinkedHashMap<>();
        for (String name : nodes.keySet()) {
            depth(name, nodes, depth);
        }
        List<List<String>> levels = new ArrayList<>();
        nodes.keySet().forEach(name -> {
            int d = depth.get(name);
            while (levels.size() <= d) {
                levels.add(new ArrayList<>());
            }
            levels.get(d).add(name);
        });
        Map<String, List<String>> frozen = new LinkedHashMap<>();
        children.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return new BuildGraph(Collections.unmodifiableMap(nodes), Collections.unmodifiableMap(frozen),
                levels.stream().map(List::copyOf).toList());
    }

    private static void checkCycles(String origin, Map<String, Node> nodes) throws InputException {
        for (Node start : nodes.values()) {
            List<String> path = new ArrayList<>();
            Node current = start;
            while (current != null) {
                int seen = path.indexOf(current.name());
                if (seen >= 0) {
                    List<String> cycle = new ArrayList<>(path.subList(seen, path.size()));
                    cycle.add(current.name());
                    throw new InputException(origin + ": image '" + current.name() + "': field 'parent': images form a cycle: "
                            + String.join(" -> ", cycle));
                }
                path.add(current.name());
                current = current.parent() == null ? null : nodes.get(current.parent());
            }
        }
    }

    private static int depth(String name, Map<String, Node> nodes, Map<String, Integer> memo) {
        Integer known = memo.get(name);
        if (known != null) {
            return known;
        }
        String parent = nodes.get(name).parent();
        int d = parent == null ? 0 : depth(parent, nodes, memo) + 1;
        memo.put(name, d);
        return d;
    }

    /** Image names, parents before children. */
    public List<String> order() {
        return levels.stream().flatMap(List::stream).toList();
    }

    /** Level i holds the images with i ancestors, in the order of the spec file. */
    public List<List<String>> levels() {
        return levels;
    }

    public Node node(String name) {
        return nodes.get(name);
    }

    public List<String> children(String name) {
        return children.getOrDefault(name, List.of());
    }

    /** All images below the given one, parents before children. */
    public Set<String> descendants(String name) {
        Set<String> out = new LinkedHashSet<>();
        List<String> queue = new ArrayList<>(children(name));
        while (!queue.isEmpty()) {
            String next = queue.remove(0);
            if (out.add(next)) {
                queue.addAll(children(next));
            }
        }
        return out;
    }

    /** A plain-text picture: one line per edge, roots on their own. */
    public List<String> edges() {
        List<String> lines = new ArrayList<>();
        for (String name : order()) {
            Node image = nodes.get(name);
            if (image.parent() == null) {
                lines.add(name + " (from " + image.from() + ")");
            } else {
                lines.add(image.parent() + " -> " + name);
            }
        }
        return lines;
    }
}
