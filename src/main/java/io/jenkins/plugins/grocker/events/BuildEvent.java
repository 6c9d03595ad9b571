package io.jenkins.plugins.grocker.events;

import io.jenkins.plugins.grocker.image.Platform;

/** What the engine reports while it works. The engine never prints; front ends render these. */
public sealed interface BuildEvent {
    /** Work on one image and platform begins. {@code action} is "build" or "reuse". */
    record Started(String image, Platform platform, String action, String reason) implements BuildEvent {}

    /** Work on one image and platform ended; {@code status} is built, reused or planned. */
    record Finished(String image, Platform platform, String status, String digest, double seconds) implements BuildEvent {}

    /** A line of Docker output (build steps, push progress); shown with --verbose. */
    record Output(String image, Platform platform, String line) implements BuildEvent {}

    /** A step of the whole run: an index pushed, a tag moved. */
    record Info(String message) implements BuildEvent {}
}
