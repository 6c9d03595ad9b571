package io.jenkins.plugins.grocker.cli;

import picocli.CommandLine.Mixin;

/**
 * The commands whose whole job is the registry (promote, publish): tag templates and guards, registry connection
 * options, the result file; their registry failures exit with 4.
 */
abstract class TaggingCommand extends Subcommand implements GrockerCommand.RegistryCommand {
    @Mixin
    TagOptions tagOptions;

    @Mixin
    RegistryOptions registryOptions;

}
