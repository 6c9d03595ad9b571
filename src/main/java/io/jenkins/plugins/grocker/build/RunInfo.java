package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.image.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a provenance record says about the run that the targets do not hold: the spec file and its digest, the git
 * checkout it came from, who ran the build and when it started. Immutable.
 *
 * @param specPath the spec file as given on the command line
 * @param specDigest the sha256 digest of the spec file's bytes
 * @param sourceUri the checkout's remote, without user name or password, or null
 * @param revision the checkout's commit, or null
 * @param builderId who built: the Jenkins job ({@code JOB_URL}), else {@code grocker-cli}
 * @param invocationId the run: the Jenkins build ({@code BUILD_URL}), or null
 */
public record RunInfo(String specPath, Digest specDigest, String sourceUri, String revision, String builderId,
        String invocationId, Instant startedOn) {
    public static final String REVISION_LABEL = "org.opencontainers.image.revision";
    public static final String SOURCE_LABEL = "org.opencontainers.image.source";

    public RunInfo {
        Objects.requireNonNull(specPath, "specPath");
        Objects.requireNonNull(specDigest, "specDigest");
        Objects.requireNonNull(builderId, "builderId");
        Objects.requireNonNull(startedOn, "startedOn");
    }

    /**
     * The run of {@code spec}, now.
     *
     * @param labels the source labels of the build ({@link SourceInfo#labels}): revision and source
     * @param env {@code JOB_URL} and {@code BUILD_URL} when Jenkins runs the build
     * @throws InputException when the spec file cannot be read
     */
    public static RunInfo of(Path spec, Map<String, String> labels, Map<String, String> env) throws InputException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(spec);
        } catch (IOException e) {
            throw new InputException("--spec: cannot read " + spec + ": " + e.getMessage());
        }
        String job = env.get("JOB_URL");
        String build = env.get("BUILD_URL");
        return new RunInfo(spec.toString(), Digest.sha256(bytes), labels.get(SOURCE_LABEL), labels.get(REVISION_LABEL),
                job == null || job.isBlank() ? "grocker-cli" : job.strip(), build == null || build.isBlank() ? null : build.strip(),
                Instant.now());
    }
}
