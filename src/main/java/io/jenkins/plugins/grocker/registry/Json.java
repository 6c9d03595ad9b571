package io.jenkins.plugins.grocker.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import java.io.IOException;

/** Reading JSON (Jackson) and writing the few shapes this package produces (by hand, byte-stable). */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /** Parses an object, or fails with a message that says what was being read ({@code what}). */
    static JsonNode readObject(byte[] bytes, String what) throws RegistryException {
        return readObject(bytes, what, true);
    }

    /**
     * Parses an object. With {@code detail} false the parser's message (which may quote the content, e.g. a
     * token) is left out of the exception.
     */
    static JsonNode readObject(byte[] bytes, String what, boolean detail) throws RegistryException {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new RegistryException(what + " is not valid JSON" + (detail ? ": " + oneLine(why) : ""));
        }
        if (node == null || !node.isObject()) {
            throw new RegistryException(what + " is not a JSON object");
        }
        return node;
    }

    /** A text field, or null when absent or not text. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    /**
     * A content descriptor ({@code mediaType}, sha256 {@code digest}, {@code size}).
     *
     * @param what names the descriptor in the message when one of the three is missing or invalid
     */
    static Descriptor descriptor(JsonNode node, String what) throws RegistryException {
        String mediaType = text(node, "mediaType");
        String digest = text(node, "digest");
        JsonNode size = node.path("size");
        if (mediaType == null || !Digest.isValid(digest) || !size.canConvertToLong() || size.asLong() < 0) {
            throw new RegistryException(what + " has no valid mediaType, sha256 digest and size");
        }
        return new Descriptor(mediaType, Digest.of(digest), size.asLong());
    }

    /** The text members of an object, in order; empty for anything else. */
    static java.util.Map<String, String> stringMap(JsonNode node) {
        java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (e.getValue().isTextual()) {
                map.put(e.getKey(), e.getValue().asText());
            }
        });
        return java.util.Collections.unmodifiableMap(map);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").trim();
    }

    /** A JSON string literal. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
