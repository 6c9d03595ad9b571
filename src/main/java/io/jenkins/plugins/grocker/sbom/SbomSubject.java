package io.jenkins.plugins.grocker.sbom;

import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.Platform;
import java.time.Instant;
import java.util.Objects;

/**
 * The image an SBOM describes. Immutable.
 *
 * @param repository {@code registry/repository} of the image, or null when it has none yet
 * @param digest the platform manifest's digest, or null when it is not pushed yet (the SBOM is made at build time)
 * @param created when the image was built (the SBOM's timestamp), or null for none, which keeps the document
 *     byte-identical for identical contents
 * @param toolVersion grocker's version
 */
public record SbomSubject(String repository, Digest digest, Platform platform, Instant created, String toolVersion) {
    public SbomSubject {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(toolVersion, "toolVersion");
    }
}
