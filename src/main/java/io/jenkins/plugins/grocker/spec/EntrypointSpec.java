package io.jenkins.plugins.grocker.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image's part of the one entrypoint (docs/entrypoint.md): named services (a list of words, or a string split
 * like a shell would after {@code $VAR} expansion), the default one, environment variables that must be set, config
 * templates rendered from the environment at start, prestart commands, and what to drop of the parents' part
 * ({@code clear}). A runner has one; so may any image of a hierarchy, whose children inherit it and add their own.
 * Immutable.
 *
 * @param defaultService the service started without arguments, or null
 * @param services service name to command: a {@code List<String>} or a {@code String}
 * @param prestart commands run before the service: each a {@code List<String>} or a {@code String}
 * @param clear what of the parents' entrypoint to drop: {@code require}, {@code templates}, {@code prestart},
 *     {@code services}
 */
public record EntrypointSpec(String defaultService, Map<String, Object> services, List<String> requiredEnv,
        Map<String, List<String>> serviceEnv, List<FileSpec> templates, List<Object> prestart, List<String> clear) {
    public EntrypointSpec {
        services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
        requiredEnv = List.copyOf(requiredEnv);
        serviceEnv = Collections.unmodifiableMap(new LinkedHashMap<>(serviceEnv));
        templates = List.copyOf(templates);
        prestart = List.copyOf(prestart);
        clear = List.copyOf(clear);
    }

    /** A runner's entrypoint: no prestart, nothing cleared. */
    public EntrypointSpec(String defaultService, Map<String, Object> services, List<String> requiredEnv,
            Map<String, List<String>> serviceEnv, List<FileSpec> templates) {
        this(defaultService, services, requiredEnv, serviceEnv, templates, List.of(), List.of());
    }
}
