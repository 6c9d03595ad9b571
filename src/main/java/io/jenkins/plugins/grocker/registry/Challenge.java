package io.jenkins.plugins.grocker.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One authentication challenge of a {@code WWW-Authenticate} header: a scheme and its parameters. */
record Challenge(String scheme, Map<String, String> params) {
    Challenge {
        params = Collections.unmodifiableMap(params);
    }

    String param(String name) {
        return params.get(name);
    }

    /**
     * Parses header values such as {@code Bearer realm="https://auth/token",service="registry",scope="repository:a:pull"}.
     * Schemes are lowercased, as are parameter names; values keep their case.
     */
    static List<Challenge> parse(List<String> headerValues) {
        List<Challenge> challenges = new ArrayList<>();
        for (String header : headerValues) {
            parseInto(header, challenges);
        }
        return challenges;
    }

    private static void parseInto(String header, List<Challenge> challenges) {
        String scheme = null;
        Map<String, String> params = null;
        int pos = 0;
        int length = header.length();
        while (true) {
            while (pos < length && (header.charAt(pos) == ',' || Character.isWhitespace(header.charAt(pos)))) {
                pos++;
            }
            if (pos >= length) {
                break;
            }
            int start = pos;
            while (pos < length && header.charAt(pos) != '=' && header.charAt(pos) != ',' && !Character.isWhitespace(header.charAt(pos))) {
                pos++;
            }
            String token = header.substring(start, pos);
            int afterToken = pos;
            while (pos < length && Character.isWhitespace(header.charAt(pos))) {
                pos++;
            }
            if (scheme != null && pos < length && header.charAt(pos) == '=') {
                pos++;
                while (pos < length && Character.isWhitespace(header.charAt(pos))) {
                    pos++;
                }
                StringBuilder value = new StringBuilder();
                if (pos < length && header.charAt(pos) == '"') {
                    pos++;
                    while (pos < length && header.charAt(pos) != '"') {
                        char c = header.charAt(pos++);
                        if (c == '\\' && pos < length) {
                            c = header.charAt(pos++);
                        }
                        value.append(c);
                    }
                    pos++;
                } else {
                    while (pos < length && header.charAt(pos) != ',' && !Character.isWhitespace(header.charAt(pos))) {
                        value.append(header.charAt(pos++));
                    }
                }
                params.put(token.toLowerCase(Locale.ROOT), value.toString());
            } else {
                if (scheme != null) {
                    challenges.add(new Challenge(scheme, params));
                }
                scheme = token.toLowerCase(Locale.ROOT);
                params = new LinkedHashMap<>();
                pos = afterToken;
            }
        }
        if (scheme != null) {
            challenges.add(new Challenge(scheme, params));
        }
    }
}
