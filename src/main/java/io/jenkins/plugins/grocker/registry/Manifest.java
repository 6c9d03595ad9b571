package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.image.Digest;
import java.util.Arrays;
import java.util.Objects;

/**
 * A manifest as the registry stores it: the exact bytes, their media type and their digest. The bytes are
 * never re-serialised, so the digest survives copying between repositories and registries. Immutable (the
 * bytes are copied in and out).
 *
 * @param digest {@code sha256:<hex>} of {@code bytes}; the constructor refuses any other value
 */
public record Manifest(String mediaType, byte[] bytes, Digest digest) {
    public Manifest {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(bytes, "bytes");
        bytes = bytes.clone();
        Digest actual = Digest.sha256(bytes);
        if (!actual.equals(digest)) {
            throw new IllegalArgumentException("manifest digest " + digest + " does not match its content (" + actual + ")");
        }
    }

    /** A manifest of these bytes, with their digest computed. */
    public static Manifest of(String mediaType, byte[] bytes) {
        return new Manifest(mediaType, bytes, Digest.sha256(bytes));
    }

    /** A copy of the bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }

    /** True for an OCI image index or a Docker manifest list. */
    public boolean isIndex() {
        return MediaTypes.isIndex(mediaType);
    }

    /** The descriptor that points at this manifest (for an index entry, a HEAD answer, a tag). */
    public Descriptor descriptor() {
        return new Descriptor(mediaType, digest, bytes.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && m.mediaType.equals(mediaType) && m.digest.equals(digest)
                && Arrays.equals(m.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mediaType, digest);
    }

    @Override
    public String toString() {
        return "Manifest[" + mediaType + ", " + digest + ", " + bytes.length + " bytes]";
    }
}
