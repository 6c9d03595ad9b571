package io.jenkins.plugins.grocker.report;

import io.jenkins.plugins.grocker.image.Digest;
import java.util.Locale;

/** Escaping for text and attribute values of HTML and inline SVG. Stateless. */
final class Html {
    private Html() {}

    /**
     * {@code value} safe as element text and as a quoted attribute value: {@code & < > " '} escaped, control
     * characters (but tab and newline) replaced by U+FFFD; null is the empty string.
     */
    static String escape(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    /** A value's text, escaped as {@link #escape(String)} does; null is the empty string. */
    static String escape(Object value) {
        return escape(value == null ? null : value.toString());
    }

    /** At most {@code max} characters, with an ellipsis when cut (before escaping). */
    static String cut(String value, int max) {
        if (value == null) {
            return "";
        }
        return value.length() <= max ? value : value.substring(0, Math.max(0, max - 1)) + "…";
    }

    /** {@code sha256:0123456789ab}: the first 12 hex digits; a dash for none. */
    static String shortDigest(Digest digest) {
        return digest == null ? "—" : "sha256:" + digest.shortForm();
    }

    /** 1023 B, 1.5 KiB, 112.0 MiB. */
    static String size(Long bytes) {
        if (bytes == null) {
            return "—";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.1f s", seconds);
    }

    /** An http(s) URL as a link, anything else as text. */
    static String link(String url) {
        if (url == null) {
            return "—";
        }
        String lower = url.trim().toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://") || lower.startsWith("http://")) {
            return "<a href=\"" + escape(url.trim()) + "\" rel=\"noreferrer\">" + escape(url) + "</a>";
        }
        return escape(url);
    }
}
