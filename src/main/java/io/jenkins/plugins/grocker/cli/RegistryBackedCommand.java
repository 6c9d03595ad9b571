package io.jenkins.plugins.grocker.cli;

import picocli.CommandLine.Mixin;

/**
 * The commands whose whole job is the registry (promote, publish, index, wheels push/pull): registry connection
 * options; their registry failures exit with 4.
 */
abstract class RegistryBackedCommand extends Subcommand implements GrockerCommand.RegistryCommand {
    @Mixin
    RegistryOptions registryOptions;
}
