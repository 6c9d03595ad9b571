package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.spec.AppSpecLoader;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import io.jenkins.plugins.grocker.spec.SpecLoader;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --spec FILE}: the two kinds of spec a command reads. */
final class SpecOptions {
    private SpecOptions() {}

    /** The hierarchy spec of {@code base} and {@code plan}. */
    static final class Hierarchy {
        @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The hierarchy spec (YAML or JSON).")
        Path spec;

        HierarchySpec load(Map<String, String> env) throws InputException {
            return new SpecLoader(env).load(spec);
        }
    }

    /** The application spec of {@code compile} and {@code runner}. */
    static final class App {
        @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The application spec (YAML or JSON).")
        Path spec;

        AppSpec load(Map<String, String> env) throws InputException {
            return new AppSpecLoader(env).load(spec);
        }
    }
}
