package io.jenkins.plugins.grocker.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runner's entrypoint: named services (a list of words, or a string split like a shell would after
 * {@code $VAR} expansion), the default one, environment variables that must be set, and config templates
 * rendered from the environment at start. Immutable.
 *
 * @param services service name to command: a {@code List<String>} or a {@code String}
 */
public record EntrypointSpec(String defaultService, Map<String, Object> services, List<String> requiredEnv,
        Map<String, List<String>> serviceEnv, List<FileSpec> templates) {
    public EntrypointSpec {
        services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
        requiredEnv = List.copyOf(requiredEnv);
        serviceEnv = Collections.unmodifiableMap(new LinkedHashMap<>(serviceEnv));
        templates = List.copyOf(templates);
    }
}
