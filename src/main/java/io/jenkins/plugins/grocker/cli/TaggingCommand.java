package io.jenkins.plugins.grocker.cli;

import picocli.CommandLine.Mixin;

/** The registry commands that move tags (promote, publish): tag templates and guards. */
abstract class TaggingCommand extends RegistryBackedCommand {
    @Mixin
    TagOptions tagOptions;
}
