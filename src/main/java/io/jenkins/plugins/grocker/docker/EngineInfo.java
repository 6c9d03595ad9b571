package io.jenkins.plugins.grocker.docker;

/**
 * What a Docker engine says about itself.
 *
 * @param endpoint where it was reached, e.g. {@code unix:///var/run/docker.sock}
 * @param version the engine version, e.g. {@code 20.10.24+dfsg1}
 * @param apiVersion the highest Engine API version it speaks, e.g. {@code 1.41}
 * @param os the engine's operating system, e.g. {@code linux}
 * @param architecture the engine's native architecture in OCI terms, e.g. {@code amd64}
 */
public record EngineInfo(String endpoint, String version, String apiVersion, String os, String architecture) {}
