package io.jenkins.plugins.grocker.build;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The OCI {@code revision} and {@code source} labels, from the git checkout that holds the spec (when
 * there is one). User names and passwords in the remote URL are removed: they must never reach an image.
 */
public final class SourceInfo {
    private SourceInfo() {}

    public static Map<String, String> labels(Path specFile, String declaredSource) {
        Map<String, String> labels = new LinkedHashMap<>();
        Path dir = specFile.toAbsolutePath().getParent();
        String revision = git(dir, "rev-parse", "HEAD");
        if (revision != null && revision.matches("[0-9a-f]{40,64}")) {
            labels.put("org.opencontainers.image.revision", revision);
        }
        String source = declaredSource != null ? declaredSource : git(dir, "config", "--get", "remote.origin.url");
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

    private static String git(Path dir, String... args) {
        if (dir == null) {
            return null;
        }
        String[] command = new String[args.length + 3];
        command[0] = "git";
        command[1] = "-C";
        command[2] = dir.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                return null;
            }
            return out.isEmpty() ? null : out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
