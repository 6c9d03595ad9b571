package io.jenkins.plugins.grocker.testing;

import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.docker.BuildRequest;
import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.docker.ContainerResult;
import io.jenkins.plugins.grocker.docker.EngineInfo;
import io.jenkins.plugins.grocker.docker.ImageDetails;
import io.jenkins.plugins.grocker.docker.RegistryAuth;
import io.jenkins.plugins.grocker.docker.RunRequest;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.ImageConfig;
import io.jenkins.plugins.grocker.registry.ImageIndex;
import io.jenkins.plugins.grocker.registry.ImageManifest;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.MediaTypes;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import java.io.ByteArrayInputStream;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A container engine in memory, for unit tests of the orchestration: it behaves like the classic builder where the
 * build depends on it, and nowhere else.
 * <ul>
 *   <li>A build reads the context's Dockerfile; every {@code FROM} must be {@code scratch}, a local image, or a
 *       reference pinned by digest that the registry has for the build's platform (a wrong platform is refused, as
 *       the engine would build the wrong architecture otherwise). The image gets one layer made from the context
 *       on top of its base's layers, the request's labels and tags, and an id that depends on all of it.</li>
 *   <li>A push uploads the image's blobs (config and layers) and puts its manifest under the tag, through the
 *       registry's HTTP API, so the registry's own checks apply.</li>
 *   <li>{@link #failBuildsOf} makes the builds of images whose {@code io.grocker.image} label matches fail;
 *       {@link #beforeBuild} runs a hook inside each build (to hold builds at a barrier and prove concurrency).</li>
 * </ul>
 * Thread-safe.
 */
public final class FakeEngine implements ContainerEngine {
    /**
     * One local image.
     *
     * @param created like the engine's creation time, different for every build (empty for a pulled image), so two
     *     builds of one context give two images, as two real engines without a shared build cache do
     */
    public record Image(String id, Platform platform, Map<String, String> labels, List<byte[]> layers, String user,
            String created) {}

    private static final AtomicInteger BUILDS = new AtomicInteger();

    /** One build as the engine saw it. */
    public record Build(String image, Platform platform, String dockerfile, String id) {}

    private final String endpoint;
    private final Platform nativePlatform;
    private final RegistryClient registry;
    private final Map<String, Image> images = new ConcurrentHashMap<>();
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private volatile String failing;
    private volatile Consumer<BuildRequest> hook = r -> {};
    /** Image name ({@code io.grocker.image}) to the files its images hold, by absolute path. */
    private final Map<String, Map<String, byte[]>> files = new ConcurrentHashMap<>();
    /** How many {@link #files(String)} views are open. */
    public final AtomicInteger openFileViews = new AtomicInteger();
    /** Every build, in the order they finished. */
    public final List<Build> builds = new CopyOnWriteArrayList<>();
    /** Every push: the reference pushed. */
    public final List<String> pushes = new CopyOnWriteArrayList<>();

    /**
     * @param endpoint the name results carry ({@code fake://amd64})
     * @param registry a client of the registry pushes go to and pinned bases come from
     */
    public FakeEngine(String endpoint, Platform nativePlatform, RegistryClient registry) {
        this.endpoint = endpoint;
        this.nativePlatform = nativePlatform;
        this.registry = registry;
    }

    /** Builds of images labelled {@code io.grocker.image=name} fail from now on (null: none). */
    public void failBuildsOf(String name) {
        this.failing = name;
    }

    /** Runs inside every build, before it completes. */
    public void beforeBuild(Consumer<BuildRequest> hook) {
        this.hook = hook;
    }

    /** The images of {@code name} built from now on hold these files (absolute path to content), for SBOMs. */
    public void files(String name, Map<String, String> content) {
        Map<String, byte[]> bytes = new java.util.TreeMap<>();
        content.forEach((path, text) -> bytes.put(path, text.getBytes(StandardCharsets.UTF_8)));
        files.put(name, bytes);
    }

    /** The most builds that ran at the same time. */
    public int maxConcurrentBuilds() {
        return maxRunning.get();
    }

    /** The builds of one image (by its {@code io.grocker.image} label). */
    public List<Build> buildsOf(String image) {
        return builds.stream().filter(b -> b.image().equals(image)).toList();
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public EngineInfo info() {
        return new EngineInfo(endpoint, "fake-1.0", "1.41", nativePlatform.os(), nativePlatform.architecture());
    }

    @Override
    public String build(BuildRequest request, Consumer<String> output) throws EngineException {
        int now = running.incrementAndGet();
        maxRunning.accumulateAndGet(now, Math::max);
        try {
            Platform platform = request.platform() != null ? request.platform() : nativePlatform;
            String dockerfile = dockerfile(request.contextTar());
            String name = request.labels().getOrDefault("io.grocker.image", "?");
            hook.accept(request);
            String what = "build of " + (request.tags().isEmpty() ? "image" : request.tags().iterator().next()) + " for " + platform;
            if (name.equals(failing)) {
                output.accept("grocker: E: Unable to locate package no-such-package");
                throw new EngineException(what + " failed: The command returned a non-zero code: 100");
            }
            List<byte[]> layers = new ArrayList<>();
            String user = "";
            for (String line : dockerfile.lines().toList()) {
                if (line.startsWith("FROM ")) {
                    String from = line.substring(5).trim().split("\\s+")[0];
                    Image base = base(from, platform, what);
                    layers = new ArrayList<>(base == null ? List.of() : base.layers());
                    user = base == null ? "" : base.user();
                } else if (line.startsWith("USER ")) {
                    user = line.substring(5).trim();
                }
                output.accept("Step : " + line);
            }
            layers.add(("layer of " + name + " on " + platform + "\n" + dockerfile).getBytes(StandardCharsets.UTF_8));
            Map<String, String> labels = new LinkedHashMap<>(request.labels());
            String created = endpoint + " build " + BUILDS.incrementAndGet();
            String id = Digest.sha256(config(platform, labels, layers, user, created)).toString();
            images.put(id, new Image(id, platform, labels, List.copyOf(layers), user, created));
            for (String tag : request.tags()) {
                names.put(tag, id);
            }
            builds.add(new Build(name, platform, dockerfile, id));
            return id;
        } finally {
            running.decrementAndGet();
        }
    }

    @Override
    public Optional<ImageDetails> inspect(String imageRefOrId) {
        Image image = images.get(names.getOrDefault(imageRefOrId, imageRefOrId));
        if (image == null) {
            return Optional.empty();
        }
        return Optional.of(new ImageDetails(image.id(), image.labels(), image.platform().os(), image.platform().architecture(),
                image.platform().variant(), List.of(), image.user(), List.of(), "", null, java.util.Set.of(),
                image.layers().stream().mapToLong(l -> l.length).sum()));
    }

    @Override
    public void tag(String imageId, ImageReference target) throws EngineException {
        if (!images.containsKey(imageId)) {
            throw new EngineException("tagging " + imageId + " as " + target + " failed: No such image");
        }
        names.put(target.toString(), imageId);
    }

    @Override
    public String push(ImageReference target, RegistryAuth auth, Consumer<String> output) throws EngineException {
        Image image = images.get(names.getOrDefault(target.toString(), ""));
        if (image == null) {
            throw new EngineException("push of " + target + " failed: An image does not exist locally with the tag");
        }
        try {
            List<Descriptor> layers = new ArrayList<>();
            for (byte[] layer : image.layers()) {
                layers.add(upload(target, layer, MediaTypes.DOCKER_LAYER_GZIP));
            }
            byte[] config = config(image.platform(), image.labels(), image.layers(), image.user(), image.created());
            Descriptor configDescriptor = upload(target, config, MediaTypes.DOCKER_CONFIG);
            StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST_V2
                    + "\",\"config\":" + descriptor(configDescriptor) + ",\"layers\":[");
            for (int i = 0; i < layers.size(); i++) {
                json.append(i == 0 ? "" : ",").append(descriptor(layers.get(i)));
            }
            json.append("]}");
            Manifest manifest = Manifest.of(MediaTypes.DOCKER_MANIFEST_V2, json.toString().getBytes(StandardCharsets.UTF_8));
            registry.putManifest(target, target.tag(), manifest);
            pushes.add(target.toString());
            output.accept(target.tag() + ": digest: " + manifest.digest() + " size: " + manifest.size());
            return manifest.digest().toString();
        } catch (io.jenkins.plugins.grocker.RegistryException e) {
            throw new EngineException("push of " + target + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public ContainerResult run(RunRequest request, Path input, String outputPath, Path output, Consumer<String> lines)
            throws EngineException {
        throw new EngineException("running containers is not part of the fake engine");
    }

    /** The files {@link #files(String, Map)} gave the image's name, as the archive API hands them out. */
    @Override
    public io.jenkins.plugins.grocker.docker.ImageFiles files(String imageId) throws EngineException {
        Image image = images.get(names.getOrDefault(imageId, imageId));
        if (image == null) {
            throw new EngineException("creating a container from " + imageId + " failed: No such image");
        }
        Map<String, byte[]> held = files.getOrDefault(image.labels().getOrDefault("io.grocker.image", ""), Map.of());
        openFileViews.incrementAndGet();
        return new io.jenkins.plugins.grocker.docker.ImageFiles() {
            @Override
            public Optional<java.io.InputStream> archive(String path) throws IOException {
                String prefix = path.endsWith("/") ? path : path + "/";
                String name = path.substring(path.lastIndexOf('/', path.length() - 2) + 1).replaceAll("/$", "");
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                boolean any = false;
                try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar =
                        new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bytes)) {
                    tar.setLongFileMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_POSIX);
                    for (Map.Entry<String, byte[]> e : held.entrySet()) {
                        String entry = e.getKey().equals(path) ? name
                                : e.getKey().startsWith(prefix) ? name + "/" + e.getKey().substring(prefix.length()) : null;
                        if (entry == null) {
                            continue;
                        }
                        org.apache.commons.compress.archivers.tar.TarArchiveEntry t =
                                new org.apache.commons.compress.archivers.tar.TarArchiveEntry(entry);
                        t.setSize(e.getValue().length);
                        tar.putArchiveEntry(t);
                        tar.write(e.getValue());
                        tar.closeArchiveEntry();
                        any = true;
                    }
                }
                return any ? Optional.of(new java.io.ByteArrayInputStream(bytes.toByteArray())) : Optional.empty();
            }

            @Override
            public void close() {
                openFileViews.decrementAndGet();
            }
        };
    }

    /** The image a {@code FROM} names for the platform; null for scratch. Pulls references pinned by digest. */
    private Image base(String from, Platform platform, String what) throws EngineException {
        if (from.equals("scratch")) {
            return null;
        }
        String localId = names.get(from);
        if (localId != null) {
            Image local = images.get(localId);
            if (!local.platform().equals(platform)) {
                throw new EngineException(what + " failed: " + from + " is " + local.platform() + ", not " + platform);
            }
            return local;
        }
        if (!from.contains("@sha256:")) {
            throw new EngineException(what + " failed: pull access denied for " + from + " (not pinned by digest)");
        }
        try {
            ImageReference ref = ImageReference.parse(from);
            Manifest manifest = registry.getManifest(ref);
            if (manifest.isIndex()) {
                Descriptor child = ImageIndex.read(manifest, from).platforms().get(platform);
                if (child == null) {
                    throw new EngineException(what + " failed: " + from + " has no " + platform + " image");
                }
                manifest = registry.getManifest(ref.withDigest(child.digest()));
            }
            ImageManifest image = ImageManifest.read(manifest, from);
            ImageConfig config = ImageConfig.read(registry.getBlob(ref, image.config().digest()), from);
            if (!config.platform().equals(platform)) {
                throw new EngineException(what + " failed: " + from + " is " + config.platform() + ", not " + platform);
            }
            List<byte[]> layers = new ArrayList<>();
            for (Descriptor layer : image.layers()) {
                layers.add(registry.getBlob(ref, layer.digest()));
            }
            Image pulled = new Image(image.config().digest().toString(), platform, config.labels(), layers, config.user(), "");
            images.put(pulled.id(), pulled);
            names.put(from, pulled.id());
            return pulled;
        } catch (io.jenkins.plugins.grocker.GrockerException e) {
            throw new EngineException(what + " failed: pulling " + from + ": " + e.getMessage(), e);
        }
    }

    private Descriptor upload(ImageReference target, byte[] bytes, String mediaType) throws io.jenkins.plugins.grocker.RegistryException {
        Digest digest = Digest.sha256(bytes);
        if (registry.blobSize(target, digest).isEmpty()) {
            registry.uploadBlob(target, digest, bytes.length, new ByteArrayInputStream(bytes));
        }
        return new Descriptor(mediaType, digest, bytes.length);
    }

    private static byte[] config(Platform platform, Map<String, String> labels, List<byte[]> layers, String user,
            String created) {
        StringBuilder json = new StringBuilder("{\"architecture\":\"" + platform.architecture() + "\",\"os\":\"" + platform.os() + "\"");
        if (!created.isEmpty()) {
            json.append(",\"created\":\"").append(created).append('"');
        }
        if (platform.variant() != null) {
            json.append(",\"variant\":\"").append(platform.variant()).append('"');
        }
        json.append(",\"config\":{\"User\":\"").append(user.replace("\"", "")).append("\",\"Labels\":{");
        boolean first = true;
        for (Map.Entry<String, String> label : labels.entrySet()) {
            json.append(first ? "" : ",").append('"').append(label.getKey()).append("\":\"").append(label.getValue()).append('"');
            first = false;
        }
        json.append("}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[");
        for (int i = 0; i < layers.size(); i++) {
            json.append(i == 0 ? "" : ",").append('"').append(Digest.sha256(layers.get(i))).append('"');
        }
        json.append("]}}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String descriptor(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    private static String dockerfile(Path contextTar) throws EngineException {
        try (InputStream in = Files.newInputStream(contextTar); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.getName().equals("Dockerfile")) {
                    return new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        } catch (IOException e) {
            throw new EngineException("reading the build context failed: " + e.getMessage(), e);
        }
        throw new EngineException("the build context has no Dockerfile");
    }
}
