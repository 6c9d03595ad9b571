package io.jenkins.plugins.grocker.docker;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Files of one platform image's filesystem, the way the Docker Engine's archive API hands them out
 * ({@code GET /containers/{id}/archive?path=…}): a tar stream of a file or directory, whose entries are named
 * from the last segment of the path ({@code status}, {@code dist-packages/yaml/…}).
 *
 * <p>{@link ContainerEngine#files} hands them out: {@link DockerEngine} creates a container from the image without
 * starting it, copies each path asked out of it ({@code GET /containers/{id}/archive}; a missing path is empty), and
 * removes the container when closed. No command runs inside the image, nothing is pulled from the network.
 * {@code sbom.DirectoryImageFiles} serves a root filesystem on disk the same way.
 */
public interface ImageFiles extends AutoCloseable {
    /**
     * A tar stream of {@code path} (absolute), which the caller closes; empty when the image has no such file or
     * directory.
     */
    Optional<InputStream> archive(String path) throws IOException;

    @Override
    default void close() throws IOException {}
}
