package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.Git;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OCI {@code revision} and {@code source} labels, from the git checkout that holds the spec (when
 * there is one). User names and passwords in the remote URL are removed: they must never reach an image.
 */
public final class SourceInfo {
    private SourceInfo() {}

    public static Map<String, String> labels(Path specFile, String declaredSource) {
        return ofDirectory(specFile.toAbsolutePath().getParent(), declaredSource);
    }

    /**
     * The labels of an application's runner: the revision and source of its local source tree (a directory, or the
     * directory of a wheel or sdist) when it is in a git checkout; none for an application from an index, whose
     * runner takes them from the wheel's metadata.
     */
    public static Map<String, String> ofApplication(Path source) {
        if (source == null) {
            return Map.of();
        }
        Path absolute = source.toAbsolutePath();
        return ofDirectory(java.nio.file.Files.isDirectory(absolute) ? absolute : absolute.getParent(), null);
    }

    private static Map<String, String> ofDirectory(Path dir, String declaredSource) {
        Map<String, String> labels = new LinkedHashMap<>();
        String revision = Git.head(dir);
        if (revision != null) {
            labels.put("org.opencontainers.image.revision", revision);
        }
        String source = declaredSource != null ? declaredSource : Git.output(dir, "config", "--get", "remote.origin.url");
        if (source != null && !source.isBlank()) {
            labels.put("org.opencontainers.image.source", withoutUserInfo(source.strip()));
        }
        return labels;
    }

    static String withoutUserInfo(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getRawUserInfo() != null && uri.getHost() != null) {
                return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
                        uri.getFragment()).toString();
            }
            return url;
        } catch (Exception e) {
            return url.replaceAll("//[^/@]*@", "//");
        }
    }
}
