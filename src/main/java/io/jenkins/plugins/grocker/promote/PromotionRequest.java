package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.scan.Scanner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One promotion asked for. Immutable.
 *
 * @param targets repositories with a tag, or without one to copy by digest only; no digests
 * @param platforms the {@code --platform} filter, empty for all
 * @param audit where the audit record goes, or null for none (a dry run writes none)
 * @param who who promotes (see {@link #who(Map)})
 * @param build the Jenkins build URL, or null
 * @param scanner the scan gate, run on every platform image of the source before anything is copied; null for none
 */
public record PromotionRequest(ImageReference source, List<ImageReference> targets, List<Platform> platforms,
        TagGuard guard, boolean dryRun, Path audit, String who, String build, Scanner scanner) {
    public PromotionRequest {
        targets = List.copyOf(targets);
        platforms = List.copyOf(platforms);
    }

    public PromotionRequest(ImageReference source, List<ImageReference> targets, List<Platform> platforms, TagGuard guard,
            boolean dryRun, Path audit, String who, String build) {
        this(source, targets, platforms, guard, dryRun, audit, who, build, null);
    }

    /** {@code BUILD_USER_ID}, else {@code BUILD_USER}, else {@code USER}, else "unknown". */
    public static String who(Map<String, String> env) {
        for (String name : List.of("BUILD_USER_ID", "BUILD_USER", "USER")) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return "unknown";
    }

    /** {@code BUILD_URL}, or null. */
    public static String build(Map<String, String> env) {
        String url = env.get("BUILD_URL");
        return url == null || url.isBlank() ? null : url.trim();
    }
}
