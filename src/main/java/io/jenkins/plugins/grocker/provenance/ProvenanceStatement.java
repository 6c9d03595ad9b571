package io.jenkins.plugins.grocker.provenance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How one image was made, as an in-toto Statement v1 whose predicate is SLSA Provenance v1.
 *
 * <p>Why SLSA rather than a predicate of our own: everything grocker records has a slot there — the spec file,
 * the git revision and every base image by digest are {@code resolvedDependencies}; the spec path, image and
 * platforms asked for are {@code externalParameters}; the engine, its version, the cache key and the times of each
 * platform are {@code internalParameters} (whose shape {@link #BUILD_TYPE} defines); grocker's version is
 * {@code builder.version}; the run's times are {@code runDetails.metadata}. Verifiers and stores that know SLSA
 * (cosign's {@code --type slsaprovenance1}, slsa-verifier, GUAC) read it without learning a new format.
 *
 * <p>The subjects are the image's index and each platform manifest, so the same statement can be attached to
 * each of them as a referrer. The bytes depend only on the values (platforms and dependencies sorted).
 * Immutable and thread-safe; made with {@link #builder()}.
 */
public final class ProvenanceStatement {
    public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
    public static final String PREDICATE_TYPE = "https://slsa.dev/provenance/v1";
    /** The media type of a statement, also the artifact type under which it is attached to an image. */
    public static final String MEDIA_TYPE = "application/vnd.in-toto+json";
    /** The annotation naming the predicate type on the attached artifact. */
    public static final String PREDICATE_ANNOTATION = "in-toto.io/predicate-type";
    /**
     * What kind of build this describes and so what its parameters mean (an RFC 4151 tag URI: grocker has no
     * public documentation address yet to use instead).
     */
    public static final String BUILD_TYPE = "tag:jenkins.io,2026:grocker-pipeline/image/v1";
    private static final Pattern GIT_COMMIT = Pattern.compile("[a-f0-9]{40}([a-f0-9]{24})?");
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A subject: a name (the repository) and the digest of what it names. */
    public record Subject(String name, Digest digest) {}

    /** A base image one platform was built on: as the spec names it, and the manifest digest it resolved to. */
    public record BaseImage(ImageReference reference, Platform platform, Digest digest) {}

    /**
     * One platform of the image.
     *
     * @param engine the Docker engine's endpoint ({@code unix:///var/run/docker.sock}, {@code tcp://arm-builder:2376})
     * @param built false when the image was reused from the cache (then the times are those of this run's check)
     */
    public record PlatformBuild(Platform platform, Digest manifestDigest, String engine, String engineVersion,
            String cacheKey, boolean built, Instant startedOn, Instant finishedOn) {}

    private final ObjectNode json;

    private ProvenanceStatement(ObjectNode json) {
        this.json = json;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The statement as JSON (UTF-8, indented). */
    public byte[] toJson() {
        try {
            return MAPPER.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a provenance statement", e);
        }
    }

    /** Collects the values of a statement; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private final List<Subject> subjects = new ArrayList<>();
        private final List<BaseImage> bases = new ArrayList<>();
        private final List<PlatformBuild> platforms = new ArrayList<>();
        private String image;
        private String specPath;
        private Digest specDigest;
        private String sourceUri;
        private String revision;
        private String grockerVersion;
        private String builderId;
        private String invocationId;
        private Instant startedOn;
        private Instant finishedOn;

        private Builder() {}

        /** The image's name in its spec. */
        public Builder image(String name) {
            this.image = name;
            return this;
        }

        /** A subject: {@code repository} (registry/repository) and the digest of an index or platform manifest. */
        public Builder subject(String repository, Digest digest) {
            subjects.add(new Subject(repository, digest));
            return this;
        }

        /** The spec file as given on the command line, and the sha256 digest of its bytes. */
        public Builder spec(String path, Digest sha256Digest) {
            this.specPath = path;
            this.specDigest = sha256Digest;
            return this;
        }

        /** The git checkout that holds the spec: its remote (without credentials) or null, and its commit. */
        public Builder source(String remote, String commit) {
            this.sourceUri = remote;
            this.revision = commit;
            return this;
        }

        public Builder base(ImageReference reference, Platform platform, Digest digest) {
            bases.add(new BaseImage(reference, platform, digest));
            return this;
        }

        public Builder platform(PlatformBuild build) {
            platforms.add(build);
            return this;
        }

        /** grocker's version, and who ran it ({@code builder.id}: the Jenkins job, or the machine for a terminal run). */
        public Builder builder(String grockerVersion, String builderId) {
            this.grockerVersion = grockerVersion;
            this.builderId = builderId;
            return this;
        }

        /** The run: an id (the Jenkins build URL) or null, and when it started and ended. */
        public Builder run(String invocationId, Instant startedOn, Instant finishedOn) {
            this.invocationId = invocationId;
            this.startedOn = startedOn;
            this.finishedOn = finishedOn;
            return this;
        }

        /**
         * The statement.
         *
         * @throws IllegalArgumentException naming the value that is missing or malformed
         */
        public ProvenanceStatement build() {
            require(image != null && !image.isBlank(), "an image name is required");
            require(!subjects.isEmpty(), "at least one subject is required");
            subjects.forEach(s -> requireDigest(s.digest(), "subject " + s.name()));
            require(specPath != null, "the spec file is required");
            requireDigest(specDigest, "spec " + specPath);
            require(revision == null || GIT_COMMIT.matcher(revision).matches(), "'" + revision + "' is not a full git commit id");
            bases.forEach(b -> requireDigest(b.digest(), "base " + b.reference()));
            require(!platforms.isEmpty(), "at least one platform is required");
            for (PlatformBuild p : platforms) {
                if (p.manifestDigest() != null) {
                    requireDigest(p.manifestDigest(), "platform " + p.platform());
                }
                require(p.startedOn() == null || p.finishedOn() == null || !p.finishedOn().isBefore(p.startedOn()),
                        "platform " + p.platform() + " finished before it started");
            }
            require(grockerVersion != null && builderId != null, "grocker's version and the builder id are required");
            require(startedOn != null && finishedOn != null && !finishedOn.isBefore(startedOn),
                    "the run needs a start and an end, in that order");
            return new ProvenanceStatement(json());
        }

        private ObjectNode json() {
            ObjectNode root = MAPPER.createObjectNode();
            root.put("_type", STATEMENT_TYPE);
            ArrayNode subjectArray = root.putArray("subject");
            for (Subject s : subjects) {
                ObjectNode subject = subjectArray.addObject();
                subject.put("name", s.name());
                subject.putObject("digest").put("sha256", s.digest().hex());
            }
            root.put("predicateType", PREDICATE_TYPE);
            ObjectNode predicate = root.putObject("predicate");

            ObjectNode definition = predicate.putObject("buildDefinition");
            definition.put("buildType", BUILD_TYPE);
            ObjectNode external = definition.putObject("externalParameters");
            external.put("spec", specPath);
            external.put("image", image);
            ArrayNode asked = external.putArray("platforms");
            List<PlatformBuild> sorted = platforms.stream().sorted(Comparator.comparing(p -> p.platform().toString())).toList();
            sorted.forEach(p -> asked.add(p.platform().toString()));
            ObjectNode perPlatform = definition.putObject("internalParameters").putObject("platforms");
            for (PlatformBuild p : sorted) {
                ObjectNode node = perPlatform.putObject(p.platform().toString());
                node.put("engine", p.engine());
                node.put("engineVersion", p.engineVersion());
                node.put("cacheKey", p.cacheKey());
                node.put("outcome", p.built() ? "built" : "reused");
                if (p.manifestDigest() != null) {
                    node.put("manifest", p.manifestDigest().toString());
                }
                if (p.startedOn() != null) {
                    node.put("startedOn", p.startedOn().toString());
                }
                if (p.finishedOn() != null) {
                    node.put("finishedOn", p.finishedOn().toString());
                }
            }
            ArrayNode dependencies = definition.putArray("resolvedDependencies");
            ObjectNode spec = dependencies.addObject();
            spec.put("name", "spec");
            spec.put("uri", sourceUri != null && revision != null ? gitUri(sourceUri) + "@" + revision + "#" + specPath : specPath);
            spec.putObject("digest").put("sha256", specDigest.hex());
            if (revision != null) {
                ObjectNode source = dependencies.addObject();
                source.put("name", "source");
                if (sourceUri != null) {
                    source.put("uri", gitUri(sourceUri));
                }
                source.putObject("digest").put("gitCommit", revision);
            }
            bases.stream().sorted(Comparator.comparing((BaseImage b) -> b.platform().toString()).thenComparing(b -> b.reference().toString()))
                    .forEach(b -> {
                        ObjectNode base = dependencies.addObject();
                        base.put("name", "base " + b.platform());
                        base.put("uri", dockerPurl(b.reference(), b.platform()));
                        base.putObject("digest").put("sha256", b.digest().hex());
                    });

            ObjectNode run = predicate.putObject("runDetails");
            ObjectNode builder = run.putObject("builder");
            builder.put("id", builderId);
            builder.putObject("version").put("grocker", grockerVersion);
            ObjectNode metadata = run.putObject("metadata");
            if (invocationId != null) {
                metadata.put("invocationId", invocationId);
            }
            metadata.put("startedOn", startedOn.toString());
            metadata.put("finishedOn", finishedOn.toString());
            return root;
        }

        private static String gitUri(String remote) {
            return remote.startsWith("git+") ? remote : "git+" + remote;
        }

        /** {@code pkg:docker/<repository>@<tag or digest>?platform=…&repository_url=<registry>}, as buildx names bases. */
        private static String dockerPurl(ImageReference ref, Platform platform) {
            String version = ref.digest() != null ? ref.digest().toString() : ref.tag() != null ? ref.tag() : "latest";
            return "pkg:docker/" + ref.repository() + "@" + URLEncoder.encode(version, StandardCharsets.UTF_8).replace("%3A", ":")
                    + "?platform=" + URLEncoder.encode(platform.toString(), StandardCharsets.UTF_8)
                    + (ref.registry().equals(ImageReference.DOCKER_HUB) ? "" : "&repository_url=" + ref.name());
        }

        private static void requireDigest(Digest digest, String what) {
            require(digest != null, what + ": a digest is required");
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    @Override
    public String toString() {
        return "ProvenanceStatement[" + json.path("subject") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProvenanceStatement p && p.json.equals(json);
    }

    @Override
    public int hashCode() {
        return Objects.hash(json);
    }
}
