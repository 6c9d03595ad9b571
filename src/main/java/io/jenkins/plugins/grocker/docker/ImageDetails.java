package io.jenkins.plugins.grocker.docker;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the engine knows about a local image. Immutable.
 *
 * @param id the image id, {@code sha256:…} (the digest of its config)
 * @param labels the image's labels
 * @param os the operating system recorded in its config, e.g. {@code linux}
 * @param architecture the architecture recorded in its config, e.g. {@code arm64}
 * @param variant the architecture variant, or null
 * @param repoDigests {@code name@sha256:…} under which it was pushed or pulled
 * @param user the default user, or an empty string
 * @param env the default environment as {@code NAME=value}
 * @param workingDir the default working directory, or an empty string
 * @param healthcheck the health check, or null when the image has none
 * @param exposedPorts exposed ports as {@code 8080/tcp}
 * @param size the image size in bytes
 */
public record ImageDetails(
        String id,
        Map<String, String> labels,
        String os,
        String architecture,
        String variant,
        List<String> repoDigests,
        String user,
        List<String> env,
        String workingDir,
        Healthcheck healthcheck,
        Set<String> exposedPorts,
        long size) {

    public ImageDetails {
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        repoDigests = repoDigests == null ? List.of() : List.copyOf(repoDigests);
        user = user == null ? "" : user;
        env = env == null ? List.of() : List.copyOf(env);
        workingDir = workingDir == null ? "" : workingDir;
        exposedPorts = exposedPorts == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(exposedPorts));
    }

    /**
     * An image's {@code HEALTHCHECK}.
     *
     * @param test the test as the engine stores it, e.g. {@code [CMD-SHELL, curl -f http://localhost/]} or {@code [NONE]}
     * @param interval time between checks, or null for the engine default
     * @param timeout time a check may take, or null for the engine default
     * @param startPeriod grace period after start, or null for the engine default
     * @param retries failures before unhealthy, or null for the engine default
     */
    public record Healthcheck(List<String> test, Duration interval, Duration timeout, Duration startPeriod, Integer retries) {
        public Healthcheck {
            test = test == null ? List.of() : List.copyOf(test);
        }
    }
}
