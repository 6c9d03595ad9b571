package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.spec.AppSpec;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import java.util.Map;
import picocli.CommandLine.Mixin;

/** The commands that build (base, plan, compile, runner): their spec and the options they share. */
abstract class BuildingCommand extends Subcommand {
    @Mixin
    CommonOptions options;

    /** Runs the work in a session made of the common options and the command's environment. */
    final <T> T session(Session.Work<T> work) throws GrockerException {
        return Session.with(options, verbose, env(), out(), work);
    }

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

    /** {@code compile} and {@code runner}: an application spec, loaded before {@link #build} runs. */
    abstract static class OnApp extends BuildingCommand {
        @Mixin
        SpecOptions.App spec;

        @Override
        public final Integer call() throws Exception {
            AppSpec app = load();
            return build(app, env(), System.nanoTime());
        }

        /** The command's work on the loaded spec; {@code start} is when the command started, for the summary. */
        abstract int build(AppSpec app, Map<String, String> env, long start) throws Exception;

        /** The spec, after the platform options are checked. */
        AppSpec load() throws InputException {
            AppSpec loaded = spec.load(env());
            options.platforms();
            return loaded;
        }
    }
}
