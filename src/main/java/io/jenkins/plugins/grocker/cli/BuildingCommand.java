package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import picocli.CommandLine.Mixin;

/** The commands that build (base, plan, compile, runner): their spec and the options they share. */
abstract class BuildingCommand extends Subcommand {
    @Mixin
    CommonOptions options;


    /** {@code base} and {@code plan}: a hierarchy spec, pushed or not. */
    abstract static class OnHierarchy extends BuildingCommand {
        @Mixin
        SpecOptions.Hierarchy spec;

        @Mixin
        PushOption push;

        /** The spec, after the platform options are checked. */
        HierarchySpec load() throws InputException {
            HierarchySpec loaded = spec.load(env());
            options.platforms();
            loaded.notes().forEach(note -> out().println("note: " + note));
            return loaded;
        }
    }

    /** {@code compile} and {@code runner}: an application spec. */
    abstract static class OnApp extends BuildingCommand {
        @Mixin
        SpecOptions.App spec;

        /** The spec, after the platform options are checked. */
        AppSpec load() throws InputException {
            AppSpec loaded = spec.load(env());
            options.platforms();
            return loaded;
        }
    }
}
