package io.jenkins.plugins.grocker.docker;

import io.jenkins.plugins.grocker.image.Platform;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One classic-builder build on one platform. Immutable; tags keep the order they were given in (the first
 * names the build in messages).
 *
 * @param contextTar the build context as an uncompressed (or gzip) tar holding the Dockerfile
 * @param dockerfile the Dockerfile's path inside the tar; {@code Dockerfile} when null
 * @param platform the platform to build for, or null for the engine's own
 * @param tags {@code repository:tag} names to give the image, possibly none
 * @param labels labels to add to the image
 * @param networkMode the network of {@code RUN} steps; {@code host} when null
 * @param pull whether the engine should pull a newer {@code FROM} image before building
 */
public record BuildRequest(
        Path contextTar,
        String dockerfile,
        Platform platform,
        Set<String> tags,
        Map<String, String> labels,
        String networkMode,
        boolean pull) {

    public static final String DEFAULT_DOCKERFILE = "Dockerfile";
    public static final String DEFAULT_NETWORK_MODE = "host";

    public BuildRequest {
        Objects.requireNonNull(contextTar, "contextTar");
        dockerfile = dockerfile == null || dockerfile.isBlank() ? DEFAULT_DOCKERFILE : dockerfile;
        tags = tags == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(tags));
        labels = labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        networkMode = networkMode == null || networkMode.isBlank() ? DEFAULT_NETWORK_MODE : networkMode;
    }

    /** A builder with the defaults: {@code Dockerfile}, the engine's platform, no tags or labels, host network, no pull. */
    public static Builder builder(Path contextTar) {
        return new Builder(contextTar);
    }

    /** Makes {@link BuildRequest}s. Not thread-safe. */
    public static final class Builder {
        private final Path contextTar;
        private String dockerfile;
        private Platform platform;
        private final Set<String> tags = new LinkedHashSet<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private String networkMode;
        private boolean pull;

        private Builder(Path contextTar) {
            this.contextTar = contextTar;
        }

        public Builder dockerfile(String dockerfile) {
            this.dockerfile = dockerfile;
            return this;
        }

        public Builder platform(Platform platform) {
            this.platform = platform;
            return this;
        }

        public Builder tag(String tag) {
            tags.add(tag);
            return this;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public Builder labels(Map<String, String> more) {
            labels.putAll(more);
            return this;
        }

        public Builder networkMode(String networkMode) {
            this.networkMode = networkMode;
            return this;
        }

        public Builder pull(boolean pull) {
            this.pull = pull;
            return this;
        }

        public BuildRequest build() {
            return new BuildRequest(contextTar, dockerfile, platform, tags, labels, networkMode, pull);
        }
    }
}
