package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.promote.TagTemplates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Tag templates, their values, and the guard's options: shared by promote and publish. */
final class TagOptions {
    @Option(names = "--tag", paramLabel = "TEMPLATE",
            description = "A tag for every target (repeatable): literal (latest, production) or a template with "
                    + "{version}, {major}, {minor}, {patch}, {git_sha}, {git_sha_full}, {component}, e.g. '{major}.{minor}' "
                    + "or '{component}-{version}'.")
    List<String> templates = new ArrayList<>();

    @Option(names = "--version", paramLabel = "VERSION", description = "The version the templates use (semver X.Y.Z for {major}, {minor}, {patch}).")
    String version;

    @Option(names = "--component", paramLabel = "NAME", description = "The component name for {component}.")
    String component;

    @Option(names = "--force", description = "Move tags that point to another digest, release tags included.")
    boolean force;

    @Option(names = "--protect", paramLabel = "REGEX",
            description = "Release tags that never move without --force (repeatable; replaces the default "
                    + "'v[0-9].*' and 'X.Y.Z[-pre]').")
    List<String> protect = new ArrayList<>();

    List<String> tags(Map<String, String> env) throws InputException {
        return TagTemplates.fromEnvironment(version, component, env, Path.of("")).expandAll(templates);
    }
}

