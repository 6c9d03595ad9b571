package io.jenkins.plugins.grocker.wheels;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The manifest {@code wheels/wheelhouse.json}: what was compiled, for which platforms, with the sha256 and
 * size of every wheel. The runner refuses wheels that do not match it. Immutable.
 *
 * @param requirement what pip installs in the runner: {@code name[extras]==version}
 * @param platforms per platform ({@code linux/amd64}), its wheels and where they came from
 */
public record Wheelhouse(int schemaVersion, String app, String version, List<String> extras, String requirement,
        Map<String, PlatformWheels> platforms) {
    public static final int SCHEMA = 1;
    public static final String FILE = "wheelhouse.json";

    public Wheelhouse {
        extras = List.copyOf(extras);
        platforms = Collections.unmodifiableMap(new TreeMap<>(platforms));
    }

    /**
     * The wheels of one platform, in {@code <os>-<arch>/} next to the manifest.
     *
     * @param directory the sub-directory holding the wheels, e.g. {@code linux-amd64}
     * @param pythonTag e.g. {@code cp311}
     * @param compilerImage image id of the compiler image that made them
     * @param compilerKey its cache key
     * @param key the key of this compilation (compiler, requirement, constraints, index settings, sources)
     * @param appWheel the application's own wheel
     */
    public record PlatformWheels(String directory, String pythonTag, String compilerImage, String compilerKey, String key,
            String appWheel, List<WheelFile> wheels) {
        public PlatformWheels {
            wheels = List.copyOf(wheels);
        }
    }

    /**
     * One wheel.
     *
     * @param source {@code built} when pip made or fetched it in this compilation, {@code cache} when it came
     *     from the dependency wheel cache
     */
    public record WheelFile(String file, String sha256, long size, Source source) {}

    /** Where a wheel of a compilation came from. Written to JSON in lowercase. */
    public enum Source {
        /** pip made or fetched it in this compilation. */
        BUILT,
        /** it came from the dependency wheel cache. */
        CACHE;

        @com.fasterxml.jackson.annotation.JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
