package io.jenkins.plugins.grocker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.provenance.ProvenanceStatement;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.ImageIndex;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.Referrers;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.sbom.CycloneDx;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code grocker sbom REF} and {@code grocker provenance REF}: print the document attached to one platform image of
 * REF (found through the registry's referrers API, else the referrers tag; the newest when there are several).
 */
abstract class AttachedDocumentCommand extends RegistryBackedCommand {
    @Parameters(index = "0", paramLabel = "REF", description = "The image: registry/repository:tag or registry/repository@sha256:digest "
            + "(an index, or a single platform's manifest).")
    String ref;

    @Option(names = "--platform", paramLabel = "OS/ARCH",
            description = "The platform image of an index (needed when it has more than one).")
    String platform;

    /** The artifact type attached, and what it is called in messages. */
    abstract String artifactType();

    abstract String what();

    @Override
    public Integer call() throws Exception {
        ImageReference image = PromoteCommand.reference("REF", ref);
        if (image.tag() == null && image.digest() == null) {
            image = image.withTag("latest");
        }
        Platform wanted = null;
        if (platform != null) {
            try {
                wanted = Platform.parse(platform);
            } catch (InputException e) {
                throw new InputException("--platform: " + e.getMessage());
            }
        }
        RegistryClient client = registryOptions.client(env());
        Manifest manifest;
        try {
            manifest = client.getManifest(image);
        } catch (RegistryException e) {
            if (e.status() == 404) {
                throw new InputException("REF: " + image + " is not in the registry");
            }
            throw e;
        }
        Digest subject = manifest.digest();
        String chosen = null;
        if (manifest.isIndex()) {
            Map<Platform, Descriptor> platforms = ImageIndex.read(manifest, "index " + image).platforms();
            if (wanted == null && platforms.size() != 1) {
                throw new InputException("--platform: " + image + " has " + platforms.keySet() + "; name one");
            }
            Platform p = wanted != null ? wanted : platforms.keySet().iterator().next();
            Descriptor child = platforms.get(p);
            if (child == null) {
                throw new InputException("--platform: " + image + " has no " + p + " image (it has " + platforms.keySet() + ")");
            }
            subject = child.digest();
            chosen = p.toString();
        }
        ImageReference repo = ImageReference.of(image.registry(), image.repository());
        Optional<byte[]> document = new Referrers(client).content(repo, subject, artifactType());
        if (document.isEmpty()) {
            throw new InputException("REF: no " + what() + " is attached to " + repo.name() + "@" + subject
                    + (chosen == null ? "" : " (" + chosen + ")"));
        }
        byte[] bytes = document.get();
        if (outputJson != null) {
            try {
                writeResult(new ObjectMapper().readTree(bytes));
            } catch (IOException e) {
                throw new InputException("the " + what() + " attached to " + repo.name() + "@" + subject + " is not JSON");
            }
        }
        PrintWriter out = out();
        out.print(new String(bytes, StandardCharsets.UTF_8));
        if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
            out.println();
        }
        out.flush();
        return 0;
    }

    /** {@code grocker sbom}. */
    @Command(name = "sbom",
            description = {"Prints the CycloneDX SBOM attached to a platform image (the Debian packages and Python "
                    + "distributions in it, with versions and package URLs), as 'grocker base' and 'grocker runner' attach "
                    + "it when they push an image, and as promotion carries it."})
    static final class Sbom extends AttachedDocumentCommand {
        @Override
        String artifactType() {
            return CycloneDx.MEDIA_TYPE;
        }

        @Override
        String what() {
            return "SBOM";
        }
    }

    /** {@code grocker provenance}. */
    @Command(name = "provenance",
            description = {"Prints the provenance record attached to a platform image: an in-toto statement (SLSA "
                    + "Provenance v1) naming the spec file and its digest, the git revision, the base image by digest, "
                    + "grocker's version, the engine and the build times."})
    static final class Provenance extends AttachedDocumentCommand {
        @Override
        String artifactType() {
            return ProvenanceStatement.MEDIA_TYPE;
        }

        @Override
        String what() {
            return "provenance record";
        }
    }
}
