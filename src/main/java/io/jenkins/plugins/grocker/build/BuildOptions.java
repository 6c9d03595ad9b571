package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.scan.Scanner;
import java.util.List;
import java.util.Map;

/**
 * How to run a spec. Immutable.
 *
 * @param platforms platforms to build instead of the declared ones (each must be declared by every image
 *     that declares platforms); empty for the declared ones
 * @param push push images, indexes and tags to the registry; otherwise images stay in the local engine
 * @param networkMode Docker network mode for builds ({@code host} reaches services on 127.0.0.1)
 * @param jobs how many image/platform builds may run at once
 * @param labels labels added to built images without entering the cache key (revision, source)
 * @param moveTags with push, move the tags at the end; false pushes images and indexes by digest only (the result
 *     still lists the tags, for {@code grocker index} to move once every platform is pushed)
 * @param run with push, what the provenance records of built images say about the run; when given, every platform
 *     image pushed gets an SBOM and a provenance record attached; null attaches nothing
 * @param scanner the scan gate: run on every platform image before any tag moves; null for none
 */
public record BuildOptions(List<Platform> platforms, boolean push, String networkMode, int jobs,
        Map<String, String> labels, boolean moveTags, RunInfo run, Scanner scanner) {
    public BuildOptions {
        platforms = List.copyOf(platforms);
        labels = Map.copyOf(labels);
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1");
        }
    }

    public BuildOptions(List<Platform> platforms, boolean push, String networkMode, int jobs, Map<String, String> labels) {
        this(platforms, push, networkMode, jobs, labels, true, null, null);
    }

    public static BuildOptions defaults() {
        return new BuildOptions(List.of(), true, "host", 2, Map.of());
    }

    public BuildOptions withPush(boolean value) {
        return new BuildOptions(platforms, value, networkMode, jobs, labels, moveTags, run, scanner);
    }

    public BuildOptions withPlatforms(List<Platform> value) {
        return new BuildOptions(value, push, networkMode, jobs, labels, moveTags, run, scanner);
    }

    public BuildOptions withMoveTags(boolean value) {
        return new BuildOptions(platforms, push, networkMode, jobs, labels, value, run, scanner);
    }

    /** The same, with SBOMs and provenance records attached to what is pushed (null: none). */
    public BuildOptions withRun(RunInfo value) {
        return new BuildOptions(platforms, push, networkMode, jobs, labels, moveTags, value, scanner);
    }

    /** The same, with this scan gate (null: none). */
    public BuildOptions withScanner(Scanner value) {
        return new BuildOptions(platforms, push, networkMode, jobs, labels, moveTags, run, value);
    }
}
