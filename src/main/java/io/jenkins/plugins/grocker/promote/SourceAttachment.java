package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.Manifest;
import java.util.List;

/**
 * Something that travels with the source image: an OCI artifact whose subject is one of its manifests (an SBOM, a
 * provenance record, a signature made the OCI 1.1 way, found through the referrers API or the referrers tag), or a
 * manifest under one of cosign's tags ({@code sha256-<hex>.sig}, {@code .att}, {@code .sbom}). Promotion copies it
 * to every target repository with its exact bytes. Immutable.
 *
 * @param subject the manifest it is about (a manifest of the image, or another attachment)
 * @param manifest the attachment's manifest as the source registry stores it
 * @param children the child manifests when the attachment is itself an index (put first), else empty
 * @param blobs every blob its manifests name
 * @param artifactType its artifact type, or null when it has none
 * @param tag the cosign tag that holds it, or null for a referrer
 */
public record SourceAttachment(Digest subject, Manifest manifest, List<Manifest> children, List<Descriptor> blobs,
        String artifactType, String tag) {
    public SourceAttachment {
        children = List.copyOf(children);
        blobs = List.copyOf(blobs);
    }

    public Digest digest() {
        return manifest.digest();
    }

    /** {@code referrer} or {@code tag}: how it is found in a repository. */
    public String kind() {
        return tag == null ? "referrer" : "tag";
    }
}
