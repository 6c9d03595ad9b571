package io.jenkins.plugins.grocker.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.grocker.InputException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a spec's YAML (or JSON, which is YAML) into a tree, with what Jackson's own tree reader leaves out:
 * anchors and aliases are expanded ({@code workdir: *w} is the anchored value, not the string {@code w}), and
 * the YAML 1.1 merge key {@code <<: *defaults} merges a mapping into another (keys written out win). The
 * expansion is bounded: a tree of more than {@link #MAX_NODES} values (the "billion laughs" of nested aliases)
 * is refused, as is a scalar of more than {@link #MAX_VALUE_CHARS} characters and a duplicate key. Every error
 * names the file and the line. Uses SnakeYAML's composer (the parser Jackson's YAML module is built on).
 * Not thread-safe; one instance reads one document.
 */
final class YamlTree {
    /** Values (scalars, lists, mappings) a spec may hold once its aliases are expanded. */
    static final int MAX_NODES = 100_000;
    /** Characters one scalar may hold. */
    static final int MAX_VALUE_CHARS = 65_536;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Path file;
    private final Map<Node, Boolean> open = new IdentityHashMap<>();
    private int nodes;

    private YamlTree(Path file) {
        this.file = file;
    }

    /** The document's tree, or null for an empty document. */
    static JsonNode read(Path file, String text) throws InputException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(Integer.MAX_VALUE);
        options.setCodePointLimit(Math.max(text.length() + 16, 1024));
        options.setNestingDepthLimit(100);
        Node root;
        try {
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            String problem = e.getProblem() == null ? e.getContext() : e.getProblem();
            throw new InputException(file + ": " + where(e.getProblemMark()) + "syntax error: " + SpecReader.firstLine(problem));
        } catch (YAMLException e) {
            throw new InputException(file + ": syntax error: " + SpecReader.firstLine(e.getMessage()));
        }
        return root == null ? null : new YamlTree(file).value(root);
    }

    private JsonNode value(Node node) throws InputException {
        if (open.containsKey(node)) {
            throw error(node.getStartMark(), "an alias refers to a node that contains it (a recursive structure)");
        }
        count(node);
        return switch (node.getNodeId()) {
            case scalar -> scalar((ScalarNode) node);
            case sequence -> {
                open.put(node, true);
                ArrayNode array = NODES.arrayNode();
                for (Node child : ((SequenceNode) node).getValue()) {
                    array.add(value(child));
                }
                open.remove(node);
                yield array;
            }
            case mapping -> {
                open.put(node, true);
                ObjectNode object = mapping((MappingNode) node);
                open.remove(node);
                yield object;
            }
            default -> throw error(node.getStartMark(), "unexpected YAML node");
        };
    }

    private ObjectNode mapping(MappingNode node) throws InputException {
        ObjectNode object = NODES.objectNode();
        ObjectNode merged = null;
        for (NodeTuple tuple : node.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode key)) {
                throw error(keyNode.getStartMark(), "a key must be a plain value");
            }
            JsonNode v = value(tuple.getValueNode());
            if (Tag.MERGE.equals(key.getTag()) || "<<".equals(key.getValue()) && key.isPlain()) {
                merged = merged == null ? NODES.objectNode() : merged;
                for (JsonNode source : v.isArray() ? v : List.of(v)) {
                    if (!source.isObject()) {
                        throw error(keyNode.getStartMark(), "'<<' merges mappings only (write <<: *anchor of a mapping)");
                    }
                    Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
                    while (fields.hasNext()) {
                        Map.Entry<String, JsonNode> f = fields.next();
                        if (!merged.has(f.getKey())) {
                            merged.set(f.getKey(), f.getValue());
                        }
                    }
                }
                continue;
            }
            if (object.has(key.getValue())) {
                throw error(keyNode.getStartMark(), "duplicate key '" + key.getValue() + "'");
            }
            object.set(key.getValue(), v);
        }
        if (merged != null) {
            Iterator<Map.Entry<String, JsonNode>> fields = merged.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                if (!object.has(f.getKey())) {
                    object.set(f.getKey(), f.getValue());
                }
            }
        }
        return object;
    }

    private JsonNode scalar(ScalarNode node) throws InputException {
        String text = node.getValue();
        if (text.length() > MAX_VALUE_CHARS) {
            throw error(node.getStartMark(), "a value of " + text.length() + " characters (at most " + MAX_VALUE_CHARS + ")");
        }
        Tag tag = node.getTag();
        if (Tag.NULL.equals(tag)) {
            return NODES.nullNode();
        }
        if (Tag.BOOL.equals(tag)) {
            return NODES.booleanNode(text.equalsIgnoreCase("true") || text.equalsIgnoreCase("yes") || text.equalsIgnoreCase("on")
                    || text.equalsIgnoreCase("y"));
        }
        if (Tag.INT.equals(tag) && text.matches("[-+]?[0-9_]+")) {
            BigInteger n = new BigInteger(text.replace("_", "").replace("+", ""));
            return n.bitLength() < 32 ? NODES.numberNode(n.intValue()) : n.bitLength() < 64 ? NODES.numberNode(n.longValue())
                    : NODES.numberNode(n);
        }
        return NODES.textNode(text);
    }

    /**
     * Counts one value of the expanded tree against the bound. An alias is the same node met again, so every
     * expansion of it is counted value by value, and the walk stops as soon as the bound is passed.
     */
    private void count(Node node) throws InputException {
        nodes++;
        if (nodes > MAX_NODES) {
            throw error(node.getStartMark(), "the spec expands to more than " + MAX_NODES + " values (through aliases?); refusing it");
        }
    }

    private InputException error(Mark at, String problem) {
        return new InputException(file + ": " + where(at) + problem);
    }

    private static String where(Mark mark) {
        return mark == null ? "" : "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
    }
}
