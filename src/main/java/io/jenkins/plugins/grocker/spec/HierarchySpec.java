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
 * @param images the images, variants included (a variant {@code app:dev} follows its image {@code app})
 * @param notes what the loader took differently from how it was written (a locale alias), one line each
 */
public record HierarchySpec(Path file, String registry, String version, String source, List<Platform> platforms,
        List<ImageSpec> images, List<String> notes) {
    public HierarchySpec {
        platforms = List.copyOf(platforms);
        images = List.copyOf(images);
        notes = List.copyOf(notes);
    }

    public HierarchySpec(Path file, String registry, String version, String source, List<Platform> platforms,
            List<ImageSpec> images) {
        this(file, registry, version, source, platforms, images, List.of());
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

    /**
     * The image's python settings with the package index settings it inherits: {@code indexUrl},
     * {@code extraIndexUrls} and {@code trustedHosts} together from the nearest image (itself first) that names an
     * index, {@code findLinks} from the nearest that has any. Null when the image has no python section.
     */
    public PythonSpec effectivePython(ImageSpec image) {
        PythonSpec own = image.python();
        if (own == null) {
            return null;
        }
        PythonSpec.Builder b = own.toBuilder();
        if (own.noIndex()) {
            lineage(image).stream().map(ImageSpec::python)
                    .filter(p -> p != null && !p.noIndex())
                    .findFirst()
                    .ifPresent(p -> b.indexUrl(p.indexUrl()).extraIndexUrls(p.extraIndexUrls()).trustedHosts(p.trustedHosts()));
        }
        if (own.findLinks().isEmpty()) {
            lineage(image).stream().map(ImageSpec::python)
                    .filter(p -> p != null && !p.findLinks().isEmpty())
                    .findFirst()
                    .ifPresent(p -> b.findLinks(p.findLinks()));
        }
        return b.build();
    }

    /** How many ancestors the image has (0 for a root): orders the entrypoint fragments of a lineage. */
    public int depth(ImageSpec image) {
        return lineage(image).size() - 1;
    }

    /** True when an ancestor (not the image itself) has an entrypoint, so the runtime is installed already. */
    public boolean inheritsEntrypoint(ImageSpec image) {
        return lineage(image).stream().skip(1).anyMatch(i -> i.entrypoint() != null);
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

    /** The repository an image is pushed to: {@code registry/name}; a variant goes to its image's. */
    public String repository(ImageSpec image) {
        return registry + "/" + (image.isVariant() ? image.variantOf() : image.name());
    }
}
