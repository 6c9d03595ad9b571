package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.GrockerVersion;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.plan.CacheKey;
import io.jenkins.plugins.grocker.provenance.ProvenanceStatement;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.Referrers;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.sbom.CycloneDx;
import io.jenkins.plugins.grocker.sbom.ImageSbom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Attaches an SBOM and a provenance record to a platform image this run pushed, as OCI artifacts whose subject is
 * its manifest ({@link Referrers}: the registry's referrers API, else the referrers tag). The SBOM is read from the
 * image in the engine that holds it; the provenance says how it was made. Also lists what a reused image already
 * has attached.
 */
final class AttachArtifactsStep {
    /** What was attached (or found), and the SBOM's bytes when one was made here. */
    record Attached(List<BuildResult.Attachment> attachments, byte[] sbom) {}

    private final RegistryClient registry;
    private final RunInfo run;

    AttachArtifactsStep(RegistryClient registry, RunInfo run) {
        this.registry = registry;
        this.run = run;
    }

    /**
     * @param from what the image was built on, pinned by digest ({@code registry/repo@sha256:…}), or {@code scratch}
     * @param built false for an image of an earlier run that this run only pushed
     */
    Attached attach(BuildTarget target, Platform platform, ContainerEngine engine, String imageId, Descriptor manifest,
            String from, CacheKey key, boolean built, Instant started, Instant finished) throws GrockerException {
        ImageReference repository = target.repository();
        String created = finished.toString();
        byte[] sbom = ImageSbom.make(engine, imageId, platform, repository.name(), manifest.digest());
        Referrers referrers = new Referrers(registry);
        List<BuildResult.Attachment> attachments = new ArrayList<>();
        Referrers.Attached s = referrers.attach(repository, manifest, new Referrers.Artifact(CycloneDx.MEDIA_TYPE,
                CycloneDx.MEDIA_TYPE, sbom, Map.of(Referrers.CREATED_ANNOTATION, created)));
        attachments.add(attachment(CycloneDx.MEDIA_TYPE, s));

        ProvenanceStatement.Builder statement = ProvenanceStatement.builder()
                .image(target.name())
                .subject(repository.name(), manifest.digest())
                .spec(run.specPath(), run.specDigest())
                .source(run.sourceUri(), run.revision())
                .platform(new ProvenanceStatement.PlatformBuild(platform, manifest.digest(), engine.endpoint(),
                        engine.info().version(), key.hex(), built, started, finished))
                .builder(GrockerVersion.get(), run.builderId())
                .run(run.invocationId(), run.startedOn().isAfter(finished) ? finished : run.startedOn(), finished);
        if (!from.equals("scratch")) {
            try {
                ImageReference base = ImageReference.parse(from);
                if (base.digest() != null) {
                    statement.base(base, platform, base.digest());
                }
            } catch (InputException e) {
                throw new IllegalStateException("the base '" + from + "' should be a valid reference", e);
            }
        }
        Referrers.Attached p = referrers.attach(repository, manifest, new Referrers.Artifact(ProvenanceStatement.MEDIA_TYPE,
                ProvenanceStatement.MEDIA_TYPE, statement.build().toJson(), Map.of(Referrers.CREATED_ANNOTATION, created,
                        ProvenanceStatement.PREDICATE_ANNOTATION, ProvenanceStatement.PREDICATE_TYPE)));
        attachments.add(attachment(ProvenanceStatement.MEDIA_TYPE, p));
        return new Attached(attachments, sbom);
    }

    /** What the registry already has attached to a reused image. */
    List<BuildResult.Attachment> existing(ImageReference repository, Digest manifest) throws GrockerException {
        Referrers.Listing listing = new Referrers(registry).list(repository, manifest);
        List<BuildResult.Attachment> found = new ArrayList<>();
        for (Referrers.Referrer r : listing.referrers()) {
            found.add(new BuildResult.Attachment(kind(r.artifactType()), r.artifactType(), r.descriptor().digest(),
                    via(listing.source())));
        }
        return found;
    }

    private static BuildResult.Attachment attachment(String artifactType, Referrers.Attached attached) {
        return new BuildResult.Attachment(kind(artifactType), artifactType, attached.manifest().digest(), via(attached.source()));
    }

    static String kind(String artifactType) {
        if (CycloneDx.MEDIA_TYPE.equals(artifactType)) {
            return "sbom";
        }
        return ProvenanceStatement.MEDIA_TYPE.equals(artifactType) ? "provenance" : "other";
    }

    static String via(Referrers.Source source) {
        return source == Referrers.Source.REFERRERS_API ? "referrers-api" : "referrers-tag";
    }
}
