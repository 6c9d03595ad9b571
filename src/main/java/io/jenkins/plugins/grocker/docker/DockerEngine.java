package io.jenkins.plugins.grocker.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.ListImagesCmd;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.command.PushImageCmd;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.PushResponseItem;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import io.jenkins.plugins.grocker.EngineException;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Docker engine reached through its Engine API (docker-java). The only class of the project that talks to
 * Docker; everything it takes and returns is the project's own types, and every failure is an
 * {@link EngineException} with a one-line message.
 *
 * <p>Two connections: one for quick calls (inspect, tag, create, …) that gives up after
 * {@link #CALL_TIMEOUT} of silence, and one for long streams (build, push, pull, waiting for a container) that
 * waits up to {@link #STREAM_IDLE_TIMEOUT} for the next byte, since a {@code RUN} step under emulation can be
 * silent for many minutes.
 *
 * <p>Thread-safe: builds, pushes and runs may go on in parallel on one instance.
 */
public final class DockerEngine implements ContainerEngine, AutoCloseable {
    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
    /** Label on every container {@link #run} creates, to find leftovers. */
    public static final String RUN_LABEL = "io.jenkins.plugins.grocker.run";

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration PING_TIMEOUT = Duration.ofSeconds(5);
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);
    static final Duration STREAM_IDLE_TIMEOUT = Duration.ofHours(6);

    private final String endpoint;
    private final DockerClient calls;
    private final DockerClient streams;
    private volatile EngineInfo info;

    private DockerEngine(String endpoint, DockerClient calls, DockerClient streams) {
        this.endpoint = endpoint;
        this.calls = calls;
        this.streams = streams;
    }

    /**
     * Connects to an engine and checks that it answers.
     *
     * @param dockerHost e.g. {@code unix:///var/run/docker.sock} or {@code tcp://host:2376}; null or blank for
     *     {@value #DEFAULT_HOST} (callers pass the {@code DOCKER_HOST} of the environment they were given). TLS
     *     settings come from {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH}.
     * @throws EngineException "Docker engine at … is unreachable: …", within about five seconds
     */
    public static DockerEngine connect(String dockerHost) throws EngineException {
        return connect(dockerHost, Map.of());
    }

    /**
     * As {@link #connect(String)}, with the TLS settings ({@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH}) taken
     * from {@code env}, the environment the command was given, rather than from the process.
     */
    public static DockerEngine connect(String dockerHost, Map<String, String> env) throws EngineException {
        String endpoint = dockerHost;
        if (endpoint == null || endpoint.isBlank()) {
            endpoint = DEFAULT_HOST;
        }
        endpoint = endpoint.strip();
        DockerClientConfig config;
        URI host;
        try {
            String verify = env.getOrDefault("DOCKER_TLS_VERIFY", "");
            String certs = env.getOrDefault("DOCKER_CERT_PATH", "");
            config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                    .withDockerHost(endpoint)
                    .withDockerTlsVerify(!verify.isBlank() && !verify.equals("0") && !verify.equalsIgnoreCase("false"))
                    .withDockerCertPath(certs.isBlank() ? Path.of(System.getProperty("user.home"), ".docker").toString() : certs)
                    .build();
            host = config.getDockerHost();
        } catch (RuntimeException e) {
            throw new EngineException("Docker engine at " + endpoint + " is unreachable: not a usable address ("
                    + EngineErrors.reason(e) + ")", e);
        }
        try (DockerHttpClient ping = httpClient(config, host, PING_TIMEOUT)) {
            DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                    .method(DockerHttpClient.Request.Method.GET)
                    .path("/_ping")
                    .build();
            try (DockerHttpClient.Response response = ping.execute(request)) {
                if (response.getStatusCode() != 200) {
                    throw new EngineException("Docker engine at " + endpoint + " is unreachable: /_ping answered HTTP "
                            + response.getStatusCode());
                }
            }
        } catch (EngineException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw EngineErrors.unreachable(endpoint, null, e);
        }
        DockerClient calls = DockerClientImpl.getInstance(config, httpClient(config, host, CALL_TIMEOUT));
        DockerClient streams = DockerClientImpl.getInstance(config, httpClient(config, host, STREAM_IDLE_TIMEOUT));
        return new DockerEngine(endpoint, calls, streams);
    }

    private static DockerHttpClient httpClient(DockerClientConfig config, URI host, Duration responseTimeout) {
        return new ApacheDockerHttpClient.Builder()
                .dockerHost(host)
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(CONNECT_TIMEOUT)
                .responseTimeout(responseTimeout)
                .maxConnections(64)
                .build();
    }

    /** Where the engine is, as given to {@link #connect}. */
    @Override
    public String endpoint() {
        return endpoint;
    }

    /** The engine's version and platform; asked once, then remembered. */
    @Override
    public EngineInfo info() throws EngineException {
        EngineInfo known = info;
        if (known != null) {
            return known;
        }
        try {
            Version v = calls.versionCmd().exec();
            known = new EngineInfo(endpoint, v.getVersion(), v.getApiVersion(), v.getOperatingSystem(), v.getArch());
            info = known;
            return known;
        } catch (RuntimeException e) {
            throw EngineErrors.convert(endpoint, "asking the engine for its version", e);
        }
    }

    /**
     * Builds an image with the classic builder and returns its id.
     *
     * @param output receives each line of build output (steps, {@code RUN} output, pull status, errors)
     * @return the image id, {@code sha256:…}
     * <p>With a platform, the result is checked: if the engine made an image of another platform (its cache
     * ignores the platform), the build runs once more without the cache, and fails if it is still wrong.
     *
     * @throws EngineException "build of &lt;first tag&gt; for &lt;platform&gt; failed: &lt;the daemon's message&gt;"
     */
    @Override
    public String build(BuildRequest request, Consumer<String> output) throws EngineException {
        String what = "build of " + (request.tags().isEmpty()
                ? request.contextTar().getFileName().toString()
                : request.tags().iterator().next())
                + " for " + (request.platform() != null ? request.platform().toString() : "the engine's platform");
        String id = buildOnce(request, false, what, output);
        Platform wanted = request.platform();
        if (wanted == null) {
            return id;
        }
        ImageDetails built = inspect(id).orElseThrow(() -> new EngineException(what + " reported image " + id
                + " but the engine does not have it"));
        if (matches(wanted, built)) {
            return id;
        }
        // The classic builder's cache ignores the platform: a FROM scratch build for arm64 reuses the layers an
        // earlier amd64 build of the same Dockerfile left, and the result says amd64. Without the cache it is right.
        if (output != null) {
            output.accept("The cached build is " + platformOf(built) + ", not " + wanted + "; building again without the cache");
        }
        String again = buildOnce(request, true, what, output);
        ImageDetails rebuilt = inspect(again).orElseThrow(() -> new EngineException(what + " reported image " + again
                + " but the engine does not have it"));
        if (!matches(wanted, rebuilt)) {
            throw new EngineException(what + " produced a " + platformOf(rebuilt) + " image: the FROM image must be the "
                    + wanted + " one, named by digest (FROM name@sha256:…), since the engine ignores the platform for "
                    + "images it already has under that name");
        }
        return again;
    }

    private static boolean matches(Platform wanted, ImageDetails image) {
        return wanted.os().equals(image.os())
                && wanted.architecture().equals(image.architecture())
                && (wanted.variant() == null || wanted.variant().equals(image.variant()));
    }

    private static String platformOf(ImageDetails image) {
        return image.os() + "/" + image.architecture() + (image.variant() != null ? "/" + image.variant() : "");
    }

    private String buildOnce(BuildRequest request, boolean noCache, String what, Consumer<String> output)
            throws EngineException {
        ProgressCallback<BuildResponseItem> progress = new ProgressCallback<>(output);
        try (InputStream tar = Files.newInputStream(request.contextTar())) {
            BuildImageCmd cmd = streams.buildImageCmd()
                    .withTarInputStream(tar)
                    .withDockerfilePath(request.dockerfile())
                    .withNetworkMode(request.networkMode())
                    .withPull(request.pull())
                    .withNoCache(noCache)
                    .withRemove(true)
                    .withForcerm(true);
            if (!request.tags().isEmpty()) {
                cmd.withTags(request.tags());
            }
            if (!request.labels().isEmpty()) {
                cmd.withLabels(request.labels());
            }
            if (request.platform() != null) {
                cmd.withPlatform(request.platform().toString());
            }
            cmd.exec(progress).awaitCompletion();
        } catch (IOException e) {
            throw new EngineException(what + " failed: cannot read the build context " + request.contextTar() + ": "
                    + EngineErrors.reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(progress);
            throw new EngineException(what + " was interrupted", e);
        } catch (RuntimeException e) {
            if (progress.error() != null) {
                throw new EngineException(what + " failed: " + progress.error(), e);
            }
            throw EngineErrors.convert(endpoint, what, e);
        }
        if (progress.error() != null) {
            throw new EngineException(what + " failed: " + progress.error());
        }
        if (progress.imageId() != null) {
            return progress.imageId();
        }
        if (progress.shortImageId() != null) {
            // older engines only say "Successfully built 0123456789ab"
            return inspect(progress.shortImageId())
                    .map(ImageDetails::id)
                    .orElseThrow(() -> new EngineException(what + " reported image " + progress.shortImageId()
                            + " but the engine does not have it"));
        }
        throw new EngineException(what + " failed: the engine reported no image id");
    }

    /** The local image by reference or id, or empty when the engine has no such image. */
    @Override
    public Optional<ImageDetails> inspect(String imageRefOrId) throws EngineException {
        InspectImageResponse r;
        try {
            r = calls.inspectImageCmd(imageRefOrId).exec();
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw EngineErrors.convert(endpoint, "inspecting image " + imageRefOrId, e);
        }
        ContainerConfig c = r.getConfig();
        Map<String, String> labels = c != null && c.getLabels() != null ? c.getLabels() : Map.of();
        // InspectImageResponse has no getter for Variant; docker-java keeps unknown fields as raw values
        Object variant = r.getRawValues().get("Variant");
        Set<String> ports = new LinkedHashSet<>();
        if (c != null && c.getExposedPorts() != null) {
            for (ExposedPort p : c.getExposedPorts()) {
                ports.add(p.getPort() + "/" + p.getProtocol().toString());
            }
        }
        return Optional.of(new ImageDetails(
                r.getId(),
                labels,
                r.getOs(),
                r.getArch(),
                variant instanceof String s && !s.isEmpty() ? s : null,
                r.getRepoDigests(),
                c != null ? c.getUser() : null,
                c != null && c.getEnv() != null ? Arrays.asList(c.getEnv()) : List.of(),
                c != null ? c.getWorkingDir() : null,
                c != null ? healthcheck(c.getHealthcheck()) : null,
                ports,
                r.getSize() != null ? r.getSize() : 0L));
    }

    private static ImageDetails.Healthcheck healthcheck(HealthCheck h) {
        if (h == null || h.getTest() == null || h.getTest().isEmpty()) {
            return null;
        }
        return new ImageDetails.Healthcheck(h.getTest(), nanos(h.getInterval()), nanos(h.getTimeout()),
                nanos(h.getStartPeriod()), h.getRetries() != null && h.getRetries() != 0 ? h.getRetries() : null);
    }

    private static Duration nanos(Long value) {
        return value == null || value == 0 ? null : Duration.ofNanos(value);
    }

    /**
     * Gives a local image another name.
     *
     * @param target a reference with a tag (and no digest)
     */
    @Override
    public void tag(String imageId, ImageReference target) throws EngineException {
        requireTag(target);
        try {
            calls.tagImageCmd(imageId, target.name(), target.tag()).withForce(true).exec();
        } catch (RuntimeException e) {
            throw EngineErrors.convert(endpoint, "tagging " + imageId + " as " + target, e);
        }
    }

    /**
     * Pushes a local image to its registry.
     *
     * @param target {@code registry/repository:tag}, already a local name of the image (see {@link #tag})
     * @param auth credentials, or null: then those in {@code ~/.docker/config.json} for the registry, if any, else none
     * @param output receives status lines (layer pushed, digest), not progress bars
     * @return the pushed manifest digest as the engine reports it ({@code sha256:…}), or null if it did not
     */
    @Override
    public String push(ImageReference target, RegistryAuth auth, Consumer<String> output) throws EngineException {
        requireTag(target);
        String what = "push of " + target;
        ProgressCallback<PushResponseItem> progress = new ProgressCallback<>(output);
        try {
            PushImageCmd cmd = streams.pushImageCmd(target.name()).withTag(target.tag());
            // the engine (20.10) rejects a push without an X-Registry-Auth header, so always send one
            cmd.withAuthConfig(authConfig(auth, target, cmd.getAuthConfig()));
            cmd.exec(progress).awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(progress);
            throw new EngineException(what + " was interrupted", e);
        } catch (RuntimeException e) {
            if (progress.error() != null) {
                throw new EngineException(what + " failed: " + progress.error(), e);
            }
            throw EngineErrors.convert(endpoint, what, e);
        }
        if (progress.error() != null) {
            throw new EngineException(what + " failed: " + progress.error());
        }
        return progress.digest();
    }

    /**
     * Pulls an image by tag or digest.
     *
     * @param platform the platform to pull from a multi-platform image, or null for the engine's
     * @param auth credentials, or null: then those in {@code ~/.docker/config.json} for the registry, if any, else none
     */
    public void pull(ImageReference ref, Platform platform, RegistryAuth auth, Consumer<String> output)
            throws EngineException {
        String what = "pull of " + ref + (platform != null ? " for " + platform : "");
        ProgressCallback<PullResponseItem> progress = new ProgressCallback<>(output);
        try {
            // the engine takes a digest in the tag parameter as well
            PullImageCmd cmd = streams.pullImageCmd(ref.name()).withTag(ref.reference());
            if (platform != null) {
                cmd.withPlatform(platform.toString());
            }
            if (auth != null) {
                cmd.withAuthConfig(authConfig(auth, ref, null));
            }
            cmd.exec(progress).awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(progress);
            throw new EngineException(what + " was interrupted", e);
        } catch (RuntimeException e) {
            if (progress.error() != null) {
                throw new EngineException(what + " failed: " + progress.error(), e);
            }
            throw EngineErrors.convert(endpoint, what, e);
        }
        if (progress.error() != null) {
            throw new EngineException(what + " failed: " + progress.error());
        }
    }

    /**
     * Pulls an image reference that the engine does not have (for the platform asked, when one is), as
     * {@code docker run} does. Image ids and unparsable names are left to the engine to report.
     */
    private void pullIfMissing(String image, Platform platform) throws EngineException {
        Optional<ImageDetails> local = inspect(image);
        boolean wrongPlatform = local.isPresent() && platform != null
                && !(platform.os().equals(local.get().os()) && platform.architecture().equals(local.get().architecture()));
        if (local.isPresent() && !wrongPlatform) {
            return;
        }
        ImageReference ref;
        try {
            ref = ImageReference.parse(image);
        } catch (io.jenkins.plugins.grocker.InputException e) {
            return;
        }
        pull(ref, platform, null, line -> { });
    }

    private static AuthConfig authConfig(RegistryAuth auth, ImageReference ref, AuthConfig fromConfigFile) {
        if (auth != null) {
            return new AuthConfig()
                    .withRegistryAddress(auth.registry())
                    .withUsername(auth.username())
                    .withPassword(auth.password());
        }
        if (fromConfigFile != null) {
            return fromConfigFile;
        }
        return new AuthConfig().withRegistryAddress(ref.registry());
    }

    /**
     * Runs a container to the end: creates it, starts it, waits for it (killing it after the request's timeout),
     * collects its output and removes it.
     *
     * @throws EngineException when the container cannot be created or started, or does not finish in time
     */
    public ContainerResult run(RunRequest request) throws EngineException {
        return run(request, null, null, null, null);
    }

    /**
     * Runs a container to the end with files going in and out through the engine's archive API (no bind
     * mounts, so it works with a remote engine): {@code input}, a tar, is unpacked at {@code /} before the
     * container starts; after it ends, {@code outputPath} inside it is copied out as a tar to {@code output}
     * (whatever the exit code). Output lines are handed to {@code lines} as they come when it is not null.
     *
     * @throws EngineException when the container cannot be created, started or copied to or from
     */
    @Override
    public ContainerResult run(RunRequest request, Path input, String outputPath, Path output, Consumer<String> lines)
            throws EngineException {
        String what = "running " + request.image();
        pullIfMissing(request.image(), request.platform());
        String id;
        try {
            CreateContainerCmd create = calls.createContainerCmd(request.image())
                    .withHostConfig(HostConfig.newHostConfig().withNetworkMode(request.networkMode()))
                    .withLabels(Map.of(RUN_LABEL, "true"))
                    .withAttachStdout(true)
                    .withAttachStderr(true);
            if (!request.command().isEmpty()) {
                create.withCmd(request.command());
            }
            if (request.entrypoint() != null) {
                // an empty entrypoint in the API means "keep the image's"; [""] clears it, as docker run --entrypoint ""
                create.withEntrypoint(request.entrypoint().isEmpty() ? List.of("") : request.entrypoint());
            }
            if (request.user() != null) {
                create.withUser(request.user());
            }
            if (!request.env().isEmpty()) {
                List<String> env = new ArrayList<>();
                request.env().forEach((k, v) -> env.add(k + "=" + v));
                create.withEnv(env);
            }
            if (request.platform() != null) {
                create.withPlatform(request.platform().toString());
            }
            id = create.exec().getId();
        } catch (RuntimeException e) {
            throw EngineErrors.convert(endpoint, "creating a container from " + request.image(), e);
        }
        EngineException failure = null;
        try {
            if (input != null) {
                try (InputStream in = Files.newInputStream(input)) {
                    calls.copyArchiveToContainerCmd(id).withRemotePath("/").withTarInputStream(in).exec();
                } catch (IOException e) {
                    throw new EngineException("cannot read " + input + " to copy into the container: " + e.getMessage(), e);
                } catch (RuntimeException e) {
                    throw EngineErrors.convert(endpoint, "copying files into a container from " + request.image(), e);
                }
            }
            ContainerResult result = startWaitAndCollect(id, request, what, lines);
            if (outputPath != null) {
                try (InputStream in = streams.copyArchiveFromContainerCmd(id, outputPath).exec()) {
                    Files.copy(in, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (NotFoundException e) {
                    Files.deleteIfExists(output);
                } catch (IOException e) {
                    throw new EngineException("cannot write " + output + " from the container: " + e.getMessage(), e);
                } catch (RuntimeException e) {
                    throw EngineErrors.convert(endpoint, "copying " + outputPath + " out of a container from " + request.image(), e);
                }
            }
            return result;
        } catch (IOException e) {
            failure = new EngineException("cannot write " + output + ": " + e.getMessage(), e);
            throw failure;
        } catch (EngineException e) {
            failure = e;
            throw e;
        } finally {
            try {
                calls.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException gone) {
                // already removed
            } catch (RuntimeException e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                }
                // a container left behind carries RUN_LABEL; not worth failing a finished run for
            }
        }
    }

    /**
     * The files of a local image: a container is created from it (never started; labelled {@link #RUN_LABEL}) and
     * each path is copied out of it through the archive API; closing removes the container.
     */
    @Override
    public ImageFiles files(String imageId) throws EngineException {
        String id;
        try {
            // a command is needed to create a container from an image without one; it never runs
            id = calls.createContainerCmd(imageId).withCmd("/grocker-never-runs").withEntrypoint(List.of(""))
                    .withLabels(Map.of(RUN_LABEL, "true")).exec().getId();
        } catch (RuntimeException e) {
            throw EngineErrors.convert(endpoint, "creating a container to read the files of " + imageId, e);
        }
        return new ImageFiles() {
            @Override
            public Optional<InputStream> archive(String path) throws IOException {
                try {
                    return Optional.of(streams.copyArchiveFromContainerCmd(id, path).exec());
                } catch (NotFoundException e) {
                    return Optional.empty();
                } catch (RuntimeException e) {
                    throw new IOException("engine " + endpoint + ": copying " + path + " out of " + imageId + " failed: "
                            + e.getMessage(), e);
                }
            }

            @Override
            public void close() {
                try {
                    calls.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
                } catch (RuntimeException e) {
                    // gone already, or left behind with RUN_LABEL: not worth failing a build for
                }
            }
        };
    }

    private ContainerResult startWaitAndCollect(String id, RunRequest request, String what, Consumer<String> lines)
            throws EngineException {
        try {
            calls.startContainerCmd(id).exec();
        } catch (RuntimeException e) {
            throw EngineErrors.convert(endpoint, "starting a container from " + request.image(), e);
        }
        ResultCallback.Adapter<Frame> follow = null;
        if (lines != null) {
            LineSplitter splitter = new LineSplitter(lines);
            follow = new ResultCallback.Adapter<>() {
                @Override
                public void onNext(Frame frame) {
                    if (frame.getPayload() != null) {
                        splitter.accept(new String(frame.getPayload(), StandardCharsets.UTF_8));
                    }
                }

                @Override
                public void onComplete() {
                    splitter.flush();
                    super.onComplete();
                }
            };
            try {
                streams.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).exec(follow);
            } catch (RuntimeException e) {
                follow = null;
            }
        }
        int exitCode;
        WaitContainerResultCallback waiting = new WaitContainerResultCallback();
        try {
            streams.waitContainerCmd(id).exec(waiting);
            if (!waiting.awaitCompletion(request.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                try {
                    calls.killContainerCmd(id).exec();
                } catch (RuntimeException ignored) {
                    // it may have ended just now; removal follows anyway
                }
                throw new EngineException(what + " did not finish within " + request.timeout() + "; the container was killed");
            }
            exitCode = waiting.awaitStatusCode();
            if (follow != null) {
                follow.awaitCompletion(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(waiting);
            throw new EngineException(what + " was interrupted", e);
        } catch (RuntimeException e) {
            throw EngineErrors.convert(endpoint, what, e);
        }
        return new ContainerResult(exitCode, logs(id, what));
    }

    private String logs(String id, String what) throws EngineException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ResultCallback.Adapter<Frame> collect = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                byte[] payload = frame.getPayload();
                if (payload != null) {
                    synchronized (bytes) {
                        bytes.write(payload, 0, payload.length);
                    }
                }
            }
        };
        try {
            calls.logContainerCmd(id)
                    .withStdOut(true)
                    .withStdErr(true)
                    .withFollowStream(false)
                    .exec(collect)
                    .awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(what + " was interrupted while reading its output", e);
        } catch (RuntimeException e) {
            throw EngineErrors.convert(endpoint, "reading the output of " + what, e);
        }
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** Removes a local image (its name, or with an id all of it); nothing happens if there is no such image. */
    public void removeImage(String imageRefOrId, boolean force) throws EngineException {
        try {
            calls.removeImageCmd(imageRefOrId).withForce(force).exec();
        } catch (NotFoundException e) {
            // absent: nothing to do
        } catch (RuntimeException e) {
            throw EngineErrors.convert(endpoint, "removing image " + imageRefOrId, e);
        }
    }

    /** Ids of the local images that carry the label {@code key=value} (any value when {@code value} is null). */
    public List<String> imagesWithLabel(String key, String value) throws EngineException {
        Objects.requireNonNull(key, "key");
        try {
            ListImagesCmd list = calls.listImagesCmd();
            if (value == null) {
                list.withLabelFilter(key);
            } else {
                list.withLabelFilter(Map.of(key, value));
            }
            List<String> ids = new ArrayList<>();
            for (Image image : list.exec()) {
                ids.add(image.getId());
            }
            return ids;
        } catch (RuntimeException e) {
            throw EngineErrors.convert(endpoint, "listing images labelled " + key + "=" + value, e);
        }
    }

    private static void requireTag(ImageReference target) {
        if (target.tag() == null || target.digest() != null) {
            throw new IllegalArgumentException("a repository:tag reference is needed, not " + target);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing a stream that is already broken
        }
    }

    @Override
    public void close() {
        closeQuietly(calls);
        closeQuietly(streams);
    }

    @Override
    public String toString() {
        return "DockerEngine[" + endpoint + "]";
    }
}
