package io.jenkins.plugins.grocker.events;

/** Receives {@link BuildEvent}s. Called from several threads at once: implementations must be thread-safe. */
@FunctionalInterface
public interface BuildListener {
    void on(BuildEvent event);

    BuildListener NONE = event -> {};
}
