package io.jenkins.plugins.grocker.wheels;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.AtomicFile;
import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.registry.ImageManifest;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.MediaTypes;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.image.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A wheelhouse as a content-addressed OCI artifact, so that wheels travel between agents through the registry
 * instead of the Jenkins controller: an OCI image manifest whose config is the wheelhouse manifest
 * ({@code wheelhouse.json}, limited to the platforms sent) and whose layers are the wheels, one blob each, named by
 * the {@code org.opencontainers.image.title} annotation {@code <os>-<arch>/<file>.whl}. It is pushed by digest (the
 * digest names the exact wheels); pulling checks the manifest's digest, every blob's digest on the way, then every
 * wheel against the wheelhouse manifest, and merges several platforms' artifacts into one wheelhouse directory.
 * Stateless apart from the client; thread-safe.
 */
public final class WheelhouseArtifact {
    public static final String ARTIFACT_TYPE = "application/vnd.grocker.wheelhouse.v1";
    public static final String CONFIG_TYPE = "application/vnd.grocker.wheelhouse.config.v1+json";
    public static final String WHEEL_TYPE = "application/vnd.grocker.wheel.v1";
    static final String TITLE = "org.opencontainers.image.title";
    private static final Pattern TITLE_PATTERN = Pattern.compile("[A-Za-z0-9._-]+/[A-Za-z0-9._+!-]+\\.whl");
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final RegistryClient registry;

    public WheelhouseArtifact(RegistryClient registry) {
        this.registry = registry;
    }

    /** What a push or pull did. */
    public record Result(String reference, Digest digest, String repository, List<String> platforms, int wheels, long bytes) {
        public Result {
            platforms = List.copyOf(platforms);
        }
    }

    /**
     * Pushes the wheels of {@code platforms} (all of the wheelhouse's when empty) from {@code dir}, verified first,
     * to {@code repository} by digest.
     */
    public Result push(Path dir, ImageReference repository, List<String> platforms) throws GrockerException {
        Wheelhouse whole = WheelhouseStore.require(dir);
        Map<String, Wheelhouse.PlatformWheels> chosen = new LinkedHashMap<>();
        for (String p : platforms.isEmpty() ? List.copyOf(whole.platforms().keySet()) : platforms) {
            WheelhouseStore.verify(dir, whole, p);
            chosen.put(p, whole.platforms().get(p));
        }
        Wheelhouse sent = new Wheelhouse(whole.schemaVersion(), whole.app(), whole.version(), whole.extras(), whole.requirement(), chosen);
        byte[] config;
        try {
            config = JSON.writeValueAsBytes(sent);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Digest configDigest = Digest.sha256(config);
        upload(repository, configDigest, config.length, () -> new java.io.ByteArrayInputStream(config));
        StringBuilder layers = new StringBuilder();
        long bytes = config.length;
        int count = 0;
        for (Wheelhouse.PlatformWheels wheels : chosen.values()) {
            for (Wheelhouse.WheelFile w : wheels.wheels()) {
                Path file = dir.resolve(wheels.directory()).resolve(w.file());
                Digest digest = Digest.ofSha256Hex(w.sha256());
                upload(repository, digest, w.size(), () -> Files.newInputStream(file));
                layers.append(count++ == 0 ? "" : ",").append("{\"mediaType\":").append(quote(WHEEL_TYPE))
                        .append(",\"digest\":").append(quote(digest.toString())).append(",\"size\":").append(w.size())
                        .append(",\"annotations\":{").append(quote(TITLE)).append(':')
                        .append(quote(wheels.directory() + "/" + w.file())).append("}}");
                bytes += w.size();
            }
        }
        String json = "{\"schemaVersion\":2,\"mediaType\":" + quote(MediaTypes.OCI_MANIFEST) + ",\"artifactType\":"
                + quote(ARTIFACT_TYPE) + ",\"config\":{\"mediaType\":" + quote(CONFIG_TYPE) + ",\"digest\":" + quote(configDigest.toString())
                + ",\"size\":" + config.length + "},\"layers\":[" + layers + "],\"annotations\":{"
                + quote("io.grocker.requirement") + ":" + quote(whole.requirement()) + "}}";
        Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST, json.getBytes(StandardCharsets.UTF_8));
        registry.putManifest(repository, manifest);
        return new Result(repository.name() + "@" + manifest.digest(), manifest.digest(), repository.name(),
                List.copyOf(chosen.keySet()), count, bytes);
    }

    /**
     * Pulls the artifact {@code ref} (by digest) into {@code dir}: its wheels into their platform directories and
     * its platforms into {@code dir/wheelhouse.json} (merged with the platforms already there, which must be the
     * same application), then verifies every wheel.
     */
    public Result pull(ImageReference ref, Path dir) throws GrockerException {
        if (ref.digest() == null) {
            throw new InputException("REF '" + ref + "': pull a wheelhouse by digest (repository@sha256:...), as push printed it");
        }
        Manifest manifest = registry.getManifest(ref);
        ImageManifest artifact = ImageManifest.read(manifest, "wheelhouse " + ref);
        if (!CONFIG_TYPE.equals(artifact.config().mediaType())) {
            throw new InputException(ref + " is not a wheelhouse (its config is " + artifact.config().mediaType()
                    + ", expected " + CONFIG_TYPE + ")");
        }
        Wheelhouse pulled;
        try {
            pulled = JSON.readValue(registry.getBlob(ref, artifact.config().digest()), Wheelhouse.class);
        } catch (IOException e) {
            throw new RegistryException(ref + ": the wheelhouse manifest in its config is not valid: " + e.getMessage());
        }
        Optional<Wheelhouse> existing = WheelhouseStore.read(dir);
        Map<String, Wheelhouse.PlatformWheels> platforms = new LinkedHashMap<>();
        if (existing.isPresent()) {
            Wheelhouse there = existing.get();
            if (!there.requirement().equals(pulled.requirement())) {
                throw new InputException(dir.resolve(Wheelhouse.FILE) + " holds " + there.requirement() + " but " + ref + " holds "
                        + pulled.requirement() + "; pull into an empty directory");
            }
            platforms.putAll(there.platforms());
        }
        for (String p : pulled.platforms().keySet()) {
            if (platforms.containsKey(p)) {
                throw new InputException(dir.resolve(Wheelhouse.FILE) + " already has " + p + " wheels; " + ref + " has them too");
            }
        }
        long bytes = 0;
        int count = 0;
        try {
            for (int i = 0; i < artifact.layers().size(); i++) {
                String title = artifact.layerAnnotations(i).getOrDefault(TITLE, "");
                if (!TITLE_PATTERN.matcher(title).matches()) {
                    throw new InputException(ref + ": a layer is named '" + title + "', not <os>-<arch>/<file>.whl");
                }
                byte[] wheel = registry.getBlob(ref, artifact.layers().get(i).digest());
                AtomicFile.write(dir.resolve(title), out -> out.write(wheel));
                bytes += wheel.length;
                count++;
            }
            platforms.putAll(pulled.platforms());
            Wheelhouse merged = new Wheelhouse(pulled.schemaVersion(), pulled.app(), pulled.version(), pulled.extras(),
                    pulled.requirement(), platforms);
            for (String p : pulled.platforms().keySet()) {
                WheelhouseStore.verify(dir, merged, p);
            }
            WheelhouseStore.write(dir, merged);
        } catch (IOException e) {
            throw new InputException("--wheels " + dir + ": cannot write: " + e.getMessage());
        }
        return new Result(ref.toString(), manifest.digest(), ref.name(), List.copyOf(pulled.platforms().keySet()), count, bytes);
    }

    private interface Source {
        InputStream open() throws IOException;
    }

    private void upload(ImageReference repository, Digest digest, long size, Source source) throws GrockerException {
        if (registry.blobSize(repository, digest).isPresent()) {
            return;
        }
        try (InputStream in = source.open()) {
            registry.uploadBlob(repository, digest, size, in);
        } catch (IOException e) {
            throw new InputException("cannot read " + digest + " for upload: " + e.getMessage());
        }
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
