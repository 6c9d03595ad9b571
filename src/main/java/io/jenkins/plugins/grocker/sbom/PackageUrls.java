package io.jenkins.plugins.grocker.sbom;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Package URLs (purl) for the package types an image holds. Components are percent-encoded as the purl
 * specification asks: letters, digits, {@code . - _ ~} and the colon stay, everything else (a {@code +} in a
 * Debian version among them) becomes {@code %XX}.
 */
public final class PackageUrls {
    private PackageUrls() {}

    /**
     * {@code pkg:deb/<distro>/<name>@<version>?arch=<arch>}, with {@code &upstream=<source>} when the source
     * package has another name (vulnerability data for Debian is kept per source package).
     */
    public static String deb(String distro, String name, String version, String architecture, String source) {
        return "pkg:deb/" + encode(distro.toLowerCase(Locale.ROOT)) + "/" + encode(name) + "@" + encode(version)
                + "?arch=" + encode(architecture)
                + (source == null || source.equals(name) ? "" : "&upstream=" + encode(source));
    }

    /** {@code pkg:pypi/<name>@<version>}, the name lowercased with {@code _} and runs of {@code -_.} as {@code -}. */
    public static String pypi(String name, String version) {
        return "pkg:pypi/" + encode(normalisePython(name)) + "@" + encode(version);
    }

    /** A Python project name as PEP 503 normalises it (lowercase, runs of {@code -_.} become {@code -}). */
    public static String normalisePython(String name) {
        return name.trim().toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }

    /**
     * {@code pkg:oci/<last path segment>@<digest>?arch=<arch>&repository_url=<registry/repository>}: an image
     * by its manifest digest.
     */
    public static String oci(String repository, String digest, String architecture) {
        String name = repository.substring(repository.lastIndexOf('/') + 1);
        return "pkg:oci/" + encode(name.toLowerCase(Locale.ROOT)) + "@" + encode(digest)
                + (architecture == null ? "" : "?arch=" + encode(architecture))
                + (architecture == null ? "?" : "&") + "repository_url=" + encode(repository).replace("%2F", "/");
    }

    static String encode(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                    || c == '_' || c == '~' || c == ':') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
