package io.jenkins.plugins.grocker.spec;

import io.jenkins.plugins.grocker.image.Platform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A spec file: a hierarchy of images pushed under one registry prefix. Validated on load (parents exist,
 * no duplicates, child platforms within the parent's); cycles are found by the plan. Immutable.
 *
 * @param file where it was read from (used in messages and to find files next to it)
 * @param registry {@code host[:port][/prefix]}: image {@code name} is pushed to {@code registry/name}
 * @param version filled into {@code org.opencontainers.image.version} unless an image has its own
 * @param source filled into {@code org.opencontainers.image.source}; null to take it from git
 * @param platforms default platforms of images that declare none; empty for the engine's own platform
 */
public record HierarchySpec(Path file, String registry, String version, String source, List<Platform> platforms,
        List<ImageSpec> images) {
    public HierarchySpec {
        platforms = List.copyOf(platforms);
        images = List.copyOf(images);
    }

    public Optional<ImageSpec> image(String name) {
        return images.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    public Map<String, ImageSpec> byName() {
        Map<String, ImageSpec> map = new LinkedHashMap<>();
        images.forEach(i -> map.put(i.name(), i));
        return map;
    }

    /** The image and its ancestors, nearest first. Stops at a cycle (the plan reports cycles). */
    public List<ImageSpec> lineage(ImageSpec image) {
        List<ImageSpec> chain = new ArrayList<>();
        ImageSpec current = image;
        while (current != null && !chain.contains(current)) {
            chain.add(current);
            current = current.parent() == null ? null : image(current.parent()).orElse(null);
        }
        return chain;
    }

    /** The user the image ends as: its own or the nearest ancestor's; null for none (root). */
    public UserSpec effectiveUser(ImageSpec image) {
        return lineage(image).stream().map(ImageSpec::user).filter(u -> u != null).findFirst().orElse(null);
    }

    /** The virtual environment packages go into: its own or the nearest ancestor's; null for none. */
    public String effectiveVenv(ImageSpec image) {
        return lineage(image).stream()
                .map(ImageSpec::python)
                .filter(p -> p != null && p.venv() != null)
                .map(PythonSpec::venv)
                .findFirst()
                .orElse(null);
    }

    /** The platforms declared for the image: its own, else its nearest ancestor's, else the file's. */
    public List<Platform> declaredPlatforms(ImageSpec image) {
        for (ImageSpec i : lineage(image)) {
            if (!i.platforms().isEmpty()) {
                return i.platforms();
            }
        }
        return platforms;
    }

    /** The repository an image is pushed to: {@code registry/name}. */
    public String repository(ImageSpec image) {
        return registry + "/" + image.name();
    }
}
