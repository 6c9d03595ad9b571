package io.jenkins.plugins.grocker.events;

import io.jenkins.plugins.grocker.image.Platform;

/** What the engine reports while it works. The engine never prints; front ends render these. */
public sealed interface BuildEvent {
    /** Work on one image and platform begins: {@link Status#BUILD} or {@link Status#REUSE}, and why. */
    record Started(String image, Platform platform, Status action, String reason) implements BuildEvent {}

    /**
     * Work on one image and platform ended: {@link Status#BUILT} or {@link Status#REUSED}.
     *
     * @param digest the manifest digest in the registry, else the image id in the engine, else null
     */
    record Finished(String image, Platform platform, Status status, String digest, double seconds) implements BuildEvent {}

    /** A line of Docker output (build steps, push progress); shown with --verbose. */
    record Output(String image, Platform platform, String line) implements BuildEvent {}

    /** A step of the whole run: an index pushed, a tag moved. */
    record Info(String message) implements BuildEvent {}
}
