package io.jenkins.plugins.grocker.dockerfile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;

/**
 * A deliberately small text template: {@code {{name}}} is replaced by a value, and lines between
 * {@code {{#name}}} and {@code {{/name}}} (each alone on its line) are kept only when the value is
 * present (non-null, not false, not an empty string or collection). Templates live under
 * {@code resources/} and are loaded from the class path. Immutable.
 */
public final class Template {
    private final String name;
    private final String text;

    private Template(String name, String text) {
        this.name = name;
        this.text = text;
    }

    public static Template of(String name, String text) {
        return new Template(name, text);
    }

    /** Loads {@code /io/jenkins/plugins/grocker/<path>} from the class path. */
    public static Template load(String path) {
        return new Template(path, resourceText(path));
    }

    static byte[] resourceBytes(String path) {
        String full = "/io/jenkins/plugins/grocker/" + path;
        try (InputStream in = Template.class.getResourceAsStream(full)) {
            if (in == null) {
                throw new IllegalStateException("resource " + full + " is missing from the grocker jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String resourceText(String path) {
        return new String(resourceBytes(path), StandardCharsets.UTF_8);
    }

    public String render(Map<String, ?> values) {
        StringBuilder out = new StringBuilder();
        Deque<Boolean> keep = new ArrayDeque<>();
        Deque<String> open = new ArrayDeque<>();
        int lineNumber = 0;
        for (String line : text.split("\n", -1)) {
            lineNumber++;
            String trimmed = line.trim();
            if (trimmed.startsWith("{{#") && trimmed.endsWith("}}")) {
                String section = trimmed.substring(3, trimmed.length() - 2);
                keep.push(isPresent(values.get(section)) && (keep.isEmpty() || keep.peek()));
                open.push(section);
                continue;
            }
            if (trimmed.startsWith("{{/") && trimmed.endsWith("}}")) {
                String section = trimmed.substring(3, trimmed.length() - 2);
                if (open.isEmpty() || !open.peek().equals(section)) {
                    throw new IllegalStateException(name + ":" + lineNumber + ": {{/" + section + "}} closes nothing open");
                }
                open.pop();
                keep.pop();
                continue;
            }
            if (!keep.isEmpty() && !keep.peek()) {
                continue;
            }
            out.append(substitute(line, values, lineNumber)).append('\n');
        }
        if (!open.isEmpty()) {
            throw new IllegalStateException(name + ": {{#" + open.peek() + "}} is never closed");
        }
        String rendered = out.toString();
        return rendered.endsWith("\n\n") ? rendered.substring(0, rendered.length() - 1) : rendered;
    }

    private String substitute(String line, Map<String, ?> values, int lineNumber) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (true) {
            int start = line.indexOf("{{", i);
            if (start < 0) {
                sb.append(line, i, line.length());
                return sb.toString();
            }
            int end = line.indexOf("}}", start);
            if (end < 0) {
                throw new IllegalStateException(name + ":" + lineNumber + ": unclosed {{");
            }
            String key = line.substring(start + 2, end).trim();
            if (!values.containsKey(key)) {
                throw new IllegalStateException(name + ":" + lineNumber + ": no value for {{" + key + "}}");
            }
            sb.append(line, i, start).append(values.get(key));
            i = end + 2;
        }
    }

    private static boolean isPresent(Object value) {
        if (value == null || Boolean.FALSE.equals(value)) {
            return false;
        }
        if (value instanceof CharSequence s) {
            return s.length() > 0;
        }
        if (value instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (value instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }
}
