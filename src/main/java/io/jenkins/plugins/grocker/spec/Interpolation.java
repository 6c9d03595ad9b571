package io.jenkins.plugins.grocker.spec;

import io.jenkins.plugins.grocker.InputException;
import java.util.Map;

/**
 * Expands {@code ${NAME}} and {@code ${NAME:-default}} from the environment in spec strings;
 * {@code $$} stands for a literal {@code $}; a default may itself use {@code ${...}}. A {@code $} not followed by {@code {} or {@code $} is kept.
 */
final class Interpolation {
    private Interpolation() {}

    static String expand(String text, Map<String, String> env, SpecProblem where) throws InputException {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int end = closingBrace(text, i + 2);
                if (end < 0) {
                    throw where.error("unterminated '${' in '" + text + "'");
                }
                String body = text.substring(i + 2, end);
                int sep = body.indexOf(":-");
                String name = sep >= 0 ? body.substring(0, sep) : body;
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw where.error("'${" + body + "}' does not name an environment variable");
                }
                String value = env.get(name);
                if (value == null || (sep >= 0 && value.isEmpty())) {
                    if (sep < 0) {
                        throw where.error("environment variable " + name + " is not set (give a default: ${"
                                + name + ":-value})");
                    }
                    value = expand(body.substring(sep + 2), env, where);
                }
                out.append(value);
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The index of the brace closing a '${' whose body starts at {@code from}; defaults may nest '${...}'. */
    private static int closingBrace(String text, int from) {
        int depth = 1;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
