package io.jenkins.plugins.grocker.docker;

/**
 * How a container ended.
 *
 * @param exitCode the exit code of its main process
 * @param output standard output and standard error combined, in the order the engine logged them. Each stream
 *     keeps its own order; the engine reads the two on separate pipes, so a stdout and a stderr line written
 *     within a moment of each other may come out swapped (as in {@code docker logs}).
 */
public record ContainerResult(int exitCode, String output) {}
