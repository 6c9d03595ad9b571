package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.image.Digest;
import java.util.Objects;

/**
 * What a registry needs to find a piece of content: its media type, digest and size in bytes (the fields of
 * an OCI content descriptor). Immutable.
 */
public record Descriptor(String mediaType, Digest digest, long size) {
    public Descriptor {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(digest, "digest");
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
    }
}
