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
        Map<String, String> labels = new LinkedHashMap<>();
        Path dir = specFile.toAbsolutePath().getParent();
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
