package io.jenkins.plugins.grocker.scan;

import io.jenkins.plugins.grocker.image.Platform;

/**
 * One platform image to scan. Immutable.
 *
 * @param name the image's name (in its spec, or its repository for a promotion)
 * @param image what the scanner is told to scan: {@code registry/repository@sha256:…}, or a local name
 * @param sbom the image's CycloneDX SBOM, or null when it has none
 */
public record ScanRequest(String name, Platform platform, String image, byte[] sbom) {}
