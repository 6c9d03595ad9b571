package io.jenkins.plugins.grocker.docker;

import java.util.function.Consumer;

/**
 * Cuts streamed text (which the engine may send in pieces that do not end at a line break) into whole lines
 * without their line breaks, and hands each non-blank one on. Not thread-safe; docker-java calls it from one
 * stream thread.
 */
final class LineSplitter {
    private final Consumer<String> out;
    private final StringBuilder pending = new StringBuilder();

    LineSplitter(Consumer<String> out) {
        this.out = out == null ? line -> {} : out;
    }

    void accept(String text) {
        if (text == null || text.isEmpty()) {
            return;
        }
        pending.append(text);
        int start = 0;
        for (int i = 0; i < pending.length(); i++) {
            if (pending.charAt(i) == '\n') {
                emit(pending.substring(start, i));
                start = i + 1;
            }
        }
        pending.delete(0, start);
    }

    /** Hands on a last line that had no line break. */
    void flush() {
        if (pending.length() > 0) {
            emit(pending.toString());
            pending.setLength(0);
        }
    }

    /** Hands on one whole line. */
    void line(String line) {
        flush();
        emit(line);
    }

    private void emit(String line) {
        String trimmed = line.stripTrailing();
        if (trimmed.endsWith("\r")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (!trimmed.isBlank()) {
            out.accept(trimmed);
        }
    }
}
