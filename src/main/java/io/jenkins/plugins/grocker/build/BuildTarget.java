package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.dockerfile.BuildContext;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.plan.BuildGraph;
import java.util.List;
import java.util.Objects;

/**
 * One image to build, for one or more platforms: what every image of a hierarchy spec and every image of an
 * application (its compiler and its runner) becomes before {@link ImageBuild} plans and builds it. Immutable.
 *
 * @param name the image's name in the run (events, results, parent references)
 * @param repository where it is pushed (its key tags, index and tags live there)
 * @param base what it starts from
 * @param platforms the platforms it is declared for; empty for "the engine's own" (a {@code --platform} list
 *     replaces them, within them)
 * @param tags the tags moved onto its index at the end of a successful run
 * @param origin where it was declared, for messages: {@code spec.yaml: image 'name'} or {@code app.yaml}
 * @param recipe renders its build context for one platform
 */
public record BuildTarget(String name, ImageReference repository, Base base, List<Platform> platforms, List<String> tags,
        String origin, Recipe recipe) {
    public BuildTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(recipe, "recipe");
        platforms = List.copyOf(platforms);
        tags = List.copyOf(tags);
    }

    /** What an image starts from. */
    public sealed interface Base {
        /**
         * An image in a registry, resolved to one manifest digest per platform before anything is built.
         *
         * @param field the spec field that names it, for messages ({@code spec.yaml: image 'x': field 'from'})
         */
        record External(ImageReference image, String field) implements Base {}

        /** Another target of the same run, built (or found) first. */
        record Parent(String name) implements Base {}

        /** Nothing: the recipe adds a root filesystem. */
        record Scratch() implements Base {}
    }

    /**
     * Renders a target's build context. Implementations must be thread-safe: platforms and images are rendered
     * at the same time.
     */
    public interface Recipe {
        /**
         * The context of one platform.
         *
         * @param from what the Dockerfile starts from: {@code scratch}, or the base or parent pinned by digest (or,
         *     without push, by its key tag in the local engine)
         */
        BuildContext render(Platform platform, String from) throws GrockerException;

        /** Fails, before anything is built, when the recipe cannot serve this platform. */
        default void check(Platform platform) throws InputException {}
    }

    /** The parent's name, or null when the target starts from an external image or from scratch. */
    public String parent() {
        return base instanceof Base.Parent p ? p.name() : null;
    }

    /** The target as a node of a {@link BuildGraph}. */
    BuildGraph.Node node() {
        String from = base instanceof Base.External e ? e.image().toString() : base instanceof Base.Scratch ? "scratch" : null;
        return new BuildGraph.Node(name, parent(), from);
    }
}
