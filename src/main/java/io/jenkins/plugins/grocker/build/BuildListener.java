package io.jenkins.plugins.grocker.build;

/** Receives {@link BuildEvent}s. Called from several threads at once: implementations must be thread-safe. */
@FunctionalInterface
public interface BuildListener {
    void on(BuildEvent event);

    BuildListener NONE = event -> {};
}
