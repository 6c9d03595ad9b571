package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import java.util.List;

/**
 * What a promotion copies: the root manifest (an index or a single image manifest) as the source registry
 * stores it, its child manifests in the order they must be pushed (children of a nested index before it), and
 * every blob (configs and layers) once. Immutable.
 *
 * @param ref the source as given (tag or digest)
 * @param platforms the platforms of the image (attestations left out)
 */
public record SourceImage(ImageReference ref, Manifest root, List<Manifest> children, List<Descriptor> blobs,
        List<Platform> platforms) {
    public SourceImage {
        children = List.copyOf(children);
        blobs = List.copyOf(blobs);
        platforms = List.copyOf(platforms);
    }

    public Digest digest() {
        return root.digest();
    }

    public long blobBytes() {
        return blobs.stream().mapToLong(Descriptor::size).sum();
    }
}
