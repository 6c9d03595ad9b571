package io.jenkins.plugins.grocker.spec;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code ops} service's scripts: the directory it runs them from (often mounted by operators) and the scripts
 * the runner ships in it. Immutable.
 *
 * @param dir absolute directory in the image
 * @param files files next to the spec, copied into {@code dir} under their own names, mode 0755
 */
public record ScriptsSpec(String dir, List<Path> files) {
    public static final String DEFAULT_DIR = "/scripts";

    public ScriptsSpec {
        files = List.copyOf(files);
    }
}
