package io.jenkins.plugins.grocker.docker;

import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the builds need from a container engine, and nothing more: its identity, building one platform image from a
 * context, looking an image up, naming it, pushing it, running a container with files in and out through the
 * archive API, and reading an image's files without running it. {@link DockerEngine} is the real one; tests use an
 * in-memory one to prove the orchestration without Docker. Implementations must be thread-safe: builds of several images and platforms call one engine at once.
 */
public interface ContainerEngine {
    /** Where the engine is, for messages and results ({@code unix:///var/run/docker.sock}, {@code tcp://host:2376}). */
    String endpoint();

    /** The engine's version and native platform. */
    EngineInfo info() throws EngineException;

    /**
     * Builds one image for the request's platform from a context tar and tags it with the request's tags.
     *
     * @param output receives each line of build output
     * @return the image id, {@code sha256:…}
     */
    String build(BuildRequest request, Consumer<String> output) throws EngineException;

    /** The local image by reference or id, or empty when the engine has no such image. */
    Optional<ImageDetails> inspect(String imageRefOrId) throws EngineException;

    /** Gives a local image another name ({@code target} has a tag and no digest). */
    void tag(String imageId, ImageReference target) throws EngineException;

    /**
     * Pushes a local image, already named {@code target}, to its registry.
     *
     * @param auth credentials for the target's registry, or null
     * @return the pushed manifest digest as the engine reports it, or null when it did not
     */
    String push(ImageReference target, RegistryAuth auth, Consumer<String> output) throws EngineException;

    /**
     * Runs a container to the end: {@code input} (a tar, or null) is unpacked at {@code /} before it starts;
     * afterwards {@code outputPath} inside it (or nothing, when null) is copied out as a tar to {@code output}.
     *
     * @param lines receives output lines as they come, or null
     */
    ContainerResult run(RunRequest request, Path input, String outputPath, Path output, Consumer<String> lines)
            throws EngineException;

    /**
     * The files of a local image, read without running anything in it (for the SBOM). The caller closes it, which
     * releases what the engine holds for it (a container that was never started).
     *
     * @param imageId a local image id or name
     */
    ImageFiles files(String imageId) throws EngineException;
}
