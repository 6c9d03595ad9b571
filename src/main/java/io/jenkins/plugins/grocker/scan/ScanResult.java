package io.jenkins.plugins.grocker.scan;


/**
 * What the scanner said about one platform image. Immutable; written to JSON as it is.
 *
 * @param image the image scanned: {@code registry/repository@sha256:…}, or a local name without push
 * @param exitCode the scanner's exit code; -1 when it did not end in time or could not be started
 * @param passed true for exit code 0
 * @param output the scanner's output (stdout and stderr), its last {@link Scanner#MAX_OUTPUT} characters, with the
 *     values of secret environment variables masked
 * @param sbom true when the scanner was given the image's SBOM ({@code GROCKER_SCAN_SBOM})
 */
public record ScanResult(String name, String platform, String image, int exitCode, boolean passed, double seconds,
        String output, boolean sbom) {}
