package io.jenkins.plugins.grocker.spec;

import java.util.List;

/**
 * A container health check. {@code command} is run in exec form when it has several words and through
 * the shell when it is a single string. Durations are Docker durations ({@code 30s}, {@code 1m30s}).
 */
public record HealthcheckSpec(List<String> command, boolean shell, String interval, String timeout,
        String startPeriod, Integer retries) {
    public HealthcheckSpec {
        command = List.copyOf(command);
    }
}
