package io.jenkins.plugins.grocker.report;

import io.jenkins.plugins.grocker.image.Digest;
import java.util.List;

/**
 * The layers of a platform manifest: what the report needs from the registry for sizes and the layer tables. The
 * registry implementation reads the manifest ({@code GET /v2/<repo>/manifests/<digest>}) and lists its
 * {@code layers}; see {@code RegistryLayerSource}. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface LayerSource {
    /** One layer: its digest and compressed size. */
    record Layer(Digest digest, long size) {}

    /**
     * The layers of {@code repository@digest}, bottom first; empty when the manifest cannot be read (the report
     * then shows no sizes for it, it does not fail).
     *
     * @param repository {@code registry/repository}
     */
    List<Layer> layers(String repository, Digest digest);
}
