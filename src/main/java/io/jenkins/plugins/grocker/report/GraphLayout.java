package io.jenkins.plugins.grocker.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Places the images of a hierarchy in layers by depth: roots (no parent among the images) on the first row, each
 * child one row below its parent. Within a row, children follow the order of their parents (so edges cross as
 * little as a one-pass barycentre ordering manages), then the order of the input. Rows are centred on the widest.
 * A parent that is missing, or a cycle, makes an image a root. Pure and stateless.
 */
public final class GraphLayout {
    static final int NODE_WIDTH = 240;
    static final int NODE_HEIGHT = 86;
    static final int H_GAP = 36;
    static final int V_GAP = 64;
    static final int MARGIN = 16;

    private GraphLayout() {}

    /** Where one image's box goes: its top-left corner, row and position in the row. */
    public record Node(String name, String parent, int row, int column, int x, int y) {
        int centerX() {
            return x + NODE_WIDTH / 2;
        }
    }

    /** The boxes, and the size of the drawing. */
    public record Layout(List<Node> nodes, int width, int height) {
        public Layout {
            nodes = List.copyOf(nodes);
        }

        public Node node(String name) {
            return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
        }
    }

    /**
     * Lays out images given as name → parent name (null for none), in input order. Names must be unique.
     */
    public static Layout layout(LinkedHashMap<String, String> parents) {
        Map<String, Integer> depth = new HashMap<>();
        for (String name : parents.keySet()) {
            depth(name, parents, depth, new HashSet<>());
        }
        Map<String, Integer> inputOrder = new HashMap<>();
        List<String> names = new ArrayList<>(parents.keySet());
        for (int i = 0; i < names.size(); i++) {
            inputOrder.put(names.get(i), i);
        }
        int rows = depth.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        List<List<String>> byRow = new ArrayList<>();
        Map<String, Integer> column = new HashMap<>();
        for (int row = 0; row < rows; row++) {
            final int r = row;
            List<String> inRow = new ArrayList<>(names.stream().filter(n -> depth.get(n) == r).toList());
            if (row > 0) {
                inRow.sort(Comparator.comparing((String n) -> column.getOrDefault(effectiveParent(n, parents, depth), -1))
                        .thenComparing(inputOrder::get));
            }
            for (int c = 0; c < inRow.size(); c++) {
                column.put(inRow.get(c), c);
            }
            byRow.add(inRow);
        }
        int widest = byRow.stream().mapToInt(List::size).max().orElse(0);
        int width = Math.max(2 * MARGIN + widest * NODE_WIDTH + Math.max(0, widest - 1) * H_GAP, 2 * MARGIN + NODE_WIDTH);
        int height = 2 * MARGIN + rows * NODE_HEIGHT + Math.max(0, rows - 1) * V_GAP;
        List<Node> nodes = new ArrayList<>();
        for (int row = 0; row < rows; row++) {
            List<String> inRow = byRow.get(row);
            int rowWidth = inRow.size() * NODE_WIDTH + Math.max(0, inRow.size() - 1) * H_GAP;
            int left = (width - rowWidth) / 2;
            for (int c = 0; c < inRow.size(); c++) {
                String name = inRow.get(c);
                nodes.add(new Node(name, effectiveParent(name, parents, depth), row, c, left + c * (NODE_WIDTH + H_GAP),
                        MARGIN + row * (NODE_HEIGHT + V_GAP)));
            }
        }
        nodes.sort(Comparator.comparing(n -> inputOrder.get(n.name())));
        return new Layout(nodes, width, height);
    }

    /** The parent when it is among the images and one row up, else null (drawn as a root). */
    private static String effectiveParent(String name, Map<String, String> parents, Map<String, Integer> depth) {
        String parent = parents.get(name);
        return parent != null && depth.containsKey(parent) && depth.get(parent) == depth.get(name) - 1 ? parent : null;
    }

    private static int depth(String name, Map<String, String> parents, Map<String, Integer> depth, Set<String> visiting) {
        Integer known = depth.get(name);
        if (known != null) {
            return known;
        }
        String parent = parents.get(name);
        int d;
        if (parent == null || !parents.containsKey(parent) || !visiting.add(name)) {
            d = 0; // a root, a missing parent, or a cycle
        } else {
            d = depth(parent, parents, depth, visiting) + 1;
            visiting.remove(name);
        }
        depth.putIfAbsent(name, d);
        return depth.get(name);
    }
}
