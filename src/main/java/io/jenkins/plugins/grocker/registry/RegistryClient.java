package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.RegistryException;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * A client of the OCI distribution API: a facade over small endpoint classes, with authentication (Basic and
 * Bearer challenges), digest checks on everything it reads, and manifests kept as raw bytes.
 *
 * <p>Plain http is used for loopback registries ({@code 127.0.0.0/8}, {@code localhost}, {@code [::1]}) and for
 * the configured insecure registries, unless Docker's {@code certs.d} has a directory for them; https for every
 * other. Idempotent calls are retried on 429/5xx and broken connections ({@link RetryPolicy}). {@code docker.io} is reached at
 * {@code registry-1.docker.io}.
 *
 * <p>Thread-safe: one instance can serve several threads; it holds only immutable configuration, a thread-safe
 * {@link HttpClient} and a concurrent cache of authorizations.
 */
public final class RegistryClient {
    /** Comma-separated {@code host:port} list of registries reached over plain http. */
    public static final String INSECURE_REGISTRIES_VARIABLE = "GROCKER_INSECURE_REGISTRIES";
    /** A PEM file of CA certificates trusted for every https registry, besides the JVM's. */
    public static final String CA_FILE_VARIABLE = "GROCKER_REGISTRY_CA_FILE";
    /** Docker's per-registry certificate directory (default {@code /etc/docker/certs.d}); empty to ignore it. */
    public static final String CERTS_DIR_VARIABLE = "GROCKER_REGISTRY_CERTS_DIR";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final RegistryTransport transport;
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();

    public RegistryClient(Credentials credentials, Set<String> insecureRegistries, HttpClient http) {
        this(credentials, insecureRegistries, http, Clock.systemUTC());
    }

    RegistryClient(Credentials credentials, Set<String> insecureRegistries, HttpClient http, Clock clock) {
        this.transport = new RegistryTransport(Objects.requireNonNull(credentials, "credentials"),
                Objects.requireNonNull(insecureRegistries, "insecureRegistries"), http, clock);
    }

    RegistryClient(Credentials credentials, Set<String> insecureRegistries, TlsTrust tls, Clock clock, RetryPolicy retry) {
        this.transport = new RegistryTransport(Objects.requireNonNull(credentials, "credentials"),
                Objects.requireNonNull(insecureRegistries, "insecureRegistries"), tls, clock, retry);
    }

    /**
     * A client configured from the environment: credentials from {@link Credentials#standard} (the
     * {@code GROCKER_REGISTRY_*} variables, then Docker's {@code config.json}), insecure registries from
     * {@code GROCKER_INSECURE_REGISTRIES}, extra CAs from {@code GROCKER_REGISTRY_CA_FILE} and Docker's
     * {@code certs.d}, the default retry policy.
     */
    public static RegistryClient create(Map<String, String> env) {
        return create(env, null, RetryPolicy.DEFAULT);
    }

    /**
     * As {@link #create(Map)}, with a CA file that replaces {@code GROCKER_REGISTRY_CA_FILE} when not null, and
     * this retry policy.
     */
    public static RegistryClient create(Map<String, String> env, Path caFile, RetryPolicy retry) {
        String insecure = env.getOrDefault(INSECURE_REGISTRIES_VARIABLE, "");
        Set<String> insecureRegistries = Arrays.stream(insecure.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        Path ca = caFile != null ? caFile
                : env.getOrDefault(CA_FILE_VARIABLE, "").isBlank() ? null : Path.of(env.get(CA_FILE_VARIABLE).trim());
        String certs = env.get(CERTS_DIR_VARIABLE);
        Path certsDir = certs == null ? TlsTrust.DOCKER_CERTS_DIR : certs.isBlank() ? null : Path.of(certs.trim());
        return new RegistryClient(Credentials.standard(env), insecureRegistries,
                new TlsTrust(TlsTrust.lazyDefaultClient(), ca, certsDir), Clock.systemUTC(), retry);
    }

    /**
     * The HTTP client {@link #create} uses: 10 s connect timeout; it does not follow redirects, this client does
     * (so that credentials are never sent to another origin).
     */
    public static HttpClient newHttpClient() {
        return HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** {@code GET /v2/}: succeeds when the registry answers 200, after authenticating if it asks to. */
    public void ping(String registry) throws RegistryException {
        transport.call(new PingEndpoint(registry));
    }

    /** The descriptor of the manifest {@code ref} names (by tag or digest), or empty when there is none. */
    public Optional<Descriptor> head(ImageReference ref) throws RegistryException {
        Optional<ManifestHeadEndpoint.Head> head = transport.call(new ManifestHeadEndpoint(ref));
        if (head.isEmpty()) {
            return Optional.empty();
        }
        ManifestHeadEndpoint.Head h = head.get();
        if (h.digest() == null || h.mediaType() == null || h.size() < 0) {
            // The registry did not say enough in the headers: fetch the manifest, which checks its digest.
            return Optional.of(getManifest(ref).descriptor());
        }
        return Optional.of(new Descriptor(h.mediaType(), h.digest(), h.size()));
    }

    /**
     * The manifest {@code ref} names, any of the four manifest media types, digest-checked.
     *
     * @throws RegistryException with status 404 when there is none
     */
    public Manifest getManifest(ImageReference ref) throws RegistryException {
        return transport.call(new ManifestGetEndpoint(ref));
    }

    /** A blob of {@code repo}'s repository, read into memory and digest-checked. */
    public byte[] getBlob(ImageReference repo, Digest digest) throws RegistryException {
        byte[] blob = transport.call(new BlobGetEndpoint(repo.registry(), repo.repository(), digest));
        bytesRead.add(blob.length);
        return blob;
    }

    /** The size of a blob when {@code repo}'s repository has it ({@code HEAD}, retried), else empty. */
    public Optional<Long> blobSize(ImageReference repo, Digest digest) throws RegistryException {
        return transport.call(new BlobHeadEndpoint(repo.registry(), repo.repository(), digest));
    }

    /**
     * Links a blob of another repository of the same registry into {@code target}'s repository, without moving
     * its bytes (one token with pull on {@code from} and push on {@code target}).
     *
     * @return false when the registry did not mount it (a 202: the caller copies the blob instead)
     */
    public boolean mountBlob(ImageReference target, Digest digest, ImageReference from) throws RegistryException {
        if (!target.registry().equalsIgnoreCase(from.registry())) {
            throw new IllegalArgumentException("cannot mount across registries: " + from.registry() + " -> " + target.registry());
        }
        return transport.call(new BlobMountEndpoint(target.registry(), target.repository(), digest, from.repository()));
    }

    /** A blob as a stream that checks its digest at the end; the caller closes it. */
    public BlobStream openBlob(ImageReference repo, Digest digest) throws RegistryException {
        return transport.call(new BlobStreamEndpoint(repo.registry(), repo.repository(), digest, bytesRead));
    }

    /**
     * Uploads a blob of known size from a stream, in one request (POST a session, PUT the stream with its digest).
     * Sent once: when it fails, call again with a new stream.
     */
    public void uploadBlob(ImageReference repo, Digest digest, long size, InputStream content) throws RegistryException {
        URI location = transport.call(new BlobUploadStartEndpoint(repo.registry(), repo.repository()));
        InputStream counted = new FilterInputStream(content) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    bytesWritten.add(n);
                }
                return n;
            }
        };
        transport.call(new BlobUploadPutEndpoint(repo.registry(), repo.repository(), location, digest, size, counted));
    }

    /**
     * Copies a blob between repositories of any registries by streaming it (source GET to target PUT, never in
     * memory, digest checked on the way). A broken transfer or a 429/5xx starts the whole copy again, within the
     * retry policy's attempts.
     *
     * @return the bytes copied
     */
    public long copyBlob(ImageReference from, ImageReference to, Descriptor blob) throws RegistryException {
        RetryPolicy retry = transport.retryPolicy();
        for (int attempt = 1; ; attempt++) {
            try (BlobStream in = openBlob(from, blob.digest())) {
                long size = in.size() >= 0 ? in.size() : blob.size();
                uploadBlob(to, blob.digest(), size, in);
                return size;
            } catch (RegistryException e) {
                boolean transient_ = e instanceof ConnectionFailure || RetryPolicy.retryableStatus(e.status());
                if (!transient_ || attempt >= retry.attempts()) {
                    throw e;
                }
                RetryPolicy.sleep(retry.delay(attempt, Optional.empty()), to.registry());
            } catch (IOException e) {
                throw new RegistryException("cannot close blob " + from.repository() + "@" + blob.digest() + ": " + e.getMessage(), e);
            }
        }
    }

    /** Blob bytes this client has read from registries (streamed and in memory). */
    public long bytesRead() {
        return bytesRead.sum();
    }

    /** Blob bytes this client has uploaded. */
    public long bytesWritten() {
        return bytesWritten.sum();
    }

    /**
     * The platforms of an image: for an index or manifest list, its children in order (attestations, with
     * platform {@code unknown/unknown}, left out; the first child wins for a repeated platform); for a single
     * manifest, the platform its config blob declares, with that manifest's descriptor.
     */
    public Map<Platform, Descriptor> platforms(ImageReference ref) throws RegistryException {
        Manifest manifest = getManifest(ref);
        if (manifest.isIndex()) {
            return ImageIndex.read(manifest, describe(ref)).platforms();
        }
        Map<Platform, Descriptor> platforms = new LinkedHashMap<>();
        platforms.put(config(ref, manifest).platform(), manifest.descriptor());
        return platforms;
    }

    /** The config of the single-platform image {@code ref} names (by tag or digest). */
    public ImageConfig config(ImageReference ref) throws RegistryException {
        return config(ref, getManifest(ref));
    }

    private ImageConfig config(ImageReference ref, Manifest manifest) throws RegistryException {
        String what = describe(ref);
        ImageManifest image = ImageManifest.read(manifest, what);
        Digest configDigest = image.config().digest();
        return ImageConfig.read(getBlob(ref, configDigest), "config " + configDigest + " of " + what);
    }

    /** {@code manifest repo:tag from registry host}, for messages. */
    private static String describe(ImageReference ref) {
        return "manifest " + Endpoint.subject(ref.repository(), ref.reference()) + " from registry " + ref.registry();
    }

    /** Stores a manifest under its own digest (no tag). Children of an index must already be in the repository. */
    public Digest putManifest(ImageReference repo, Manifest manifest) throws RegistryException {
        return putManifest(repo, manifest.digest().toString(), manifest);
    }

    /**
     * Stores a manifest under a tag or its digest. Children of an index must already be in the repository.
     *
     * @param repo the repository (its tag or digest, if any, is ignored)
     * @param reference a tag, or the manifest's own digest
     * @return the digest of the stored manifest
     */
    public Digest putManifest(ImageReference repo, String reference, Manifest manifest) throws RegistryException {
        if (reference.startsWith("sha256:")) {
            if (!reference.equals(manifest.digest().toString())) {
                throw new IllegalArgumentException("cannot put manifest " + manifest.digest() + " under digest " + reference);
            }
        } else if (!ImageReference.isValidTag(reference)) {
            throw new IllegalArgumentException("'" + reference + "' is neither a valid tag nor a sha256 digest");
        }
        return transport.call(new ManifestPutEndpoint(repo.registry(), repo.repository(), reference, manifest));
    }

    /** The transport, for the other facades of this package ({@link Referrers}, {@link RegistryAdmin}). */
    RegistryTransport transport() {
        return transport;
    }

    /** The base URL this client uses for a registry (for tests and messages). */
    String baseUrl(String registry) {
        return transport.baseUrl(registry);
    }
}
