package io.jenkins.plugins.grocker.sbom;

import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.GrockerVersion;
import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.docker.ImageDetails;
import io.jenkins.plugins.grocker.docker.ImageFiles;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SBOM of a local platform image, made at build time from its files through the engine (nothing runs in the
 * image, nothing is fetched from a network): Debian packages from dpkg's status, Python distributions from their
 * metadata in the system's directories and in the image's virtual environment ({@code VIRTUAL_ENV} of its config).
 */
public final class ImageSbom {
    private ImageSbom() {}

    /**
     * @param imageId the image in {@code engine}
     * @param repository {@code registry/repository} it is pushed to
     * @param digest its manifest digest in that repository
     */
    public static byte[] make(ContainerEngine engine, String imageId, Platform platform, String repository, Digest digest)
            throws EngineException {
        List<String> roots = new ArrayList<>(ImageContentsReader.DEFAULT_PYTHON_ROOTS);
        Optional<ImageDetails> details = engine.inspect(imageId);
        details.ifPresent(d -> d.env().stream().filter(e -> e.startsWith("VIRTUAL_ENV=")).findFirst()
                .map(e -> e.substring("VIRTUAL_ENV=".length()).strip())
                .filter(v -> v.startsWith("/") && v.length() > 1)
                .ifPresent(venv -> roots.add(venv.replaceAll("/+$", "") + "/lib")));
        ImageContents contents;
        try (ImageFiles files = engine.files(imageId)) {
            contents = ImageContentsReader.read(files, roots);
        } catch (IOException e) {
            throw new EngineException("reading the packages of " + repository + " (" + platform + ") for its SBOM failed: "
                    + e.getMessage(), e);
        }
        return CycloneDx.write(contents, new SbomSubject(repository, digest, platform, null, GrockerVersion.get()));
    }
}
