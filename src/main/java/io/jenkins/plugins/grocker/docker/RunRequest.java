package io.jenkins.plugins.grocker.docker;

import io.jenkins.plugins.grocker.image.Platform;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One container to run to completion. Immutable.
 *
 * @param image the image reference or id
 * @param command the command (arguments to the entrypoint); empty for the image's own
 * @param user the user to run as ({@code name}, {@code uid} or {@code uid:gid}), or null for the image's
 * @param env environment variables added to the image's
 * @param platform the platform of the image to use, or null for whatever the engine picks
 * @param networkMode the container's network; {@code host} when null
 * @param entrypoint an entrypoint replacing the image's, or null to keep it; an empty list clears it
 * @param timeout how long the container may run before it is killed; {@link #DEFAULT_TIMEOUT} when null (at most
 *     six hours: the engine connection gives up after that much silence)
 */
public record RunRequest(
        String image,
        List<String> command,
        String user,
        Map<String, String> env,
        Platform platform,
        String networkMode,
        List<String> entrypoint,
        Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

    public RunRequest {
        Objects.requireNonNull(image, "image");
        command = command == null ? List.of() : List.copyOf(command);
        env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
        networkMode = networkMode == null || networkMode.isBlank() ? BuildRequest.DEFAULT_NETWORK_MODE : networkMode;
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    /** A builder for {@code image} with the defaults: image's command, user and entrypoint, host network, one hour. */
    public static Builder builder(String image) {
        return new Builder(image);
    }

    /** Makes {@link RunRequest}s. Not thread-safe. */
    public static final class Builder {
        private final String image;
        private List<String> command = List.of();
        private String user;
        private final Map<String, String> env = new LinkedHashMap<>();
        private Platform platform;
        private String networkMode;
        private List<String> entrypoint;
        private Duration timeout;

        private Builder(String image) {
            this.image = image;
        }

        public Builder command(String... command) {
            this.command = List.of(command);
            return this;
        }

        public Builder command(List<String> command) {
            this.command = command;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder platform(Platform platform) {
            this.platform = platform;
            return this;
        }

        public Builder networkMode(String networkMode) {
            this.networkMode = networkMode;
            return this;
        }

        public Builder entrypoint(String... entrypoint) {
            this.entrypoint = List.of(entrypoint);
            return this;
        }

        public Builder entrypoint(List<String> entrypoint) {
            this.entrypoint = entrypoint;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public RunRequest build() {
            return new RunRequest(image, command, user, env, platform, networkMode, entrypoint, timeout);
        }
    }
}
