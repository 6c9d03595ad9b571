package io.jenkins.plugins.grocker.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Command words in the entrypoint's syntax, where {@code $NAME}, {@code ${NAME}} and {@code ${NAME:-default}}
 * are replaced from the environment when the container starts and {@code $$} is a literal {@code $}.
 *
 * <p>A spec gives a command either as a list of words, which are taken literally ({@link #literal}: every
 * {@code $} doubled), or as one string split the way a POSIX shell splits words ({@link #split}): blanks
 * separate words, single quotes keep everything literally, double quotes and backslashes work as in a
 * shell, and {@code $} references outside single quotes stay references. No shell ever sees the string:
 * there are no globs, pipes, redirections or command substitutions, and a value from the environment is
 * always exactly one word, whatever it holds. Stateless; thread-safe.
 */
public final class CommandWords {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern BRACED = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?}");

    private CommandWords() {}

    /** The words unchanged at run time: each {@code $} becomes {@code $$}. */
    public static List<String> literal(List<String> words) {
        List<String> out = new ArrayList<>(words.size());
        for (String w : words) {
            out.add(literal(w));
        }
        return List.copyOf(out);
    }

    /** One word unchanged at run time. */
    public static String literal(String word) {
        return word.replace("$", "$$");
    }

    /**
     * Splits a command line into words in the entrypoint's syntax.
     *
     * @throws IllegalArgumentException naming the problem: an unterminated quote, a trailing backslash, a
     *     {@code $} not followed by a name, {@code {name}}, {@code {name:-default}} or {@code $}, or no word
     */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                i++;
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
            }
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated single quote in the command");
                }
                word.append(literal(line.substring(i + 1, end)));
                i = end + 1;
            } else if (c == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char d = line.charAt(i);
                    if (d == '"') {
                        closed = true;
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < n && "\"\\$`\n".indexOf(line.charAt(i + 1)) >= 0) {
                        char e = line.charAt(i + 1);
                        if (e != '\n') {
                            word.append(e == '$' ? "$$" : String.valueOf(e));
                        }
                        i += 2;
                    } else if (d == '$') {
                        i = reference(line, i, word);
                    } else {
                        word.append(d);
                        i++;
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("unterminated double quote in the command");
                }
            } else if (c == '\\') {
                if (i + 1 >= n) {
                    throw new IllegalArgumentException("the command ends with a backslash");
                }
                char e = line.charAt(i + 1);
                if (e != '\n') {
                    word.append(e == '$' ? "$$" : String.valueOf(e));
                }
                i += 2;
            } else if (c == '$') {
                i = reference(line, i, word);
            } else {
                word.append(c);
                i++;
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("the command is empty");
        }
        return List.copyOf(words);
    }

    /** Copies the reference starting with the {@code $} at {@code i}; returns the index after it. */
    private static int reference(String line, int i, StringBuilder word) {
        String rest = line.substring(i + 1);
        if (rest.startsWith("$")) {
            word.append("$$");
            return i + 2;
        }
        Matcher m = (rest.startsWith("{") ? BRACED : NAME).matcher(rest);
        if (!m.lookingAt()) {
            throw new IllegalArgumentException("a $ must be followed by a name, {name}, {name:-default} or $"
                    + " (write $$ or '$' for a literal $)");
        }
        word.append('$').append(m.group());
        return i + 1 + m.end();
    }

    /**
     * Whether every {@code $} of a word in the entrypoint's syntax starts a valid reference; the same rule the
     * entrypoint applies when it starts.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static void checkReferences(String word) {
        int i = word.indexOf('$');
        while (i >= 0) {
            String rest = word.substring(i + 1);
            int next;
            if (rest.startsWith("$")) {
                next = i + 2;
            } else {
                Matcher m = (rest.startsWith("{") ? BRACED : NAME).matcher(rest);
                if (!m.lookingAt()) {
                    throw new IllegalArgumentException("a $ must be followed by a name, {name}, {name:-default} or $"
                            + " (write $$ for a literal $)");
                }
                next = i + 1 + m.end();
            }
            i = word.indexOf('$', next);
        }
    }
}
