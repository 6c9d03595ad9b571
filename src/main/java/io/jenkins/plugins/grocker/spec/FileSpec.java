package io.jenkins.plugins.grocker.spec;

import java.nio.file.Path;

/** A file copied from next to the spec into the image, owned by root. Immutable. */
public record FileSpec(Path source, String destination, int mode) {}
