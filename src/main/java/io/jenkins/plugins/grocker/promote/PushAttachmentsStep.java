package io.jenkins.plugins.grocker.promote;

import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.registry.Descriptor;
import io.jenkins.plugins.grocker.registry.ImageManifest;
import io.jenkins.plugins.grocker.registry.Manifest;
import io.jenkins.plugins.grocker.registry.MediaTypes;
import io.jenkins.plugins.grocker.registry.Referrers;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts what travels with the image into one target repository, after the image's own manifests and before any tag of
 * the promotion moves, each with its exact bytes (so its digest, and any signature over it, stay valid): a referrer
 * is put by digest and made findable there (the registry's referrers API, else the referrers tag of its subject); a
 * cosign tag is written unless the target already has it on another manifest (then it is left alone and said so).
 */
final class PushAttachmentsStep {
    private final RegistryClient registry;
    private final List<SourceAttachment> attachments;
    private final ImageReference repository;

    PushAttachmentsStep(RegistryClient registry, List<SourceAttachment> attachments, ImageReference repository) {
        this.registry = registry;
        this.attachments = List.copyOf(attachments);
        this.repository = repository;
    }

    List<PromotionRecord.Attachment> call() throws GrockerException {
        Referrers referrers = new Referrers(registry);
        List<PromotionRecord.Attachment> done = new ArrayList<>();
        for (SourceAttachment a : attachments) {
            String outcome;
            if (a.tag() == null) {
                boolean present = registry.head(repository.withDigest(a.digest())).isPresent();
                putChildren(a);
                Map<String, String> annotations = MediaTypes.isImageManifest(a.manifest().mediaType())
                        ? ImageManifest.read(a.manifest(), "attachment " + a.digest()).annotations() : Map.of();
                referrers.register(repository, a.manifest(), a.subject(), a.artifactType(), annotations);
                outcome = present ? "present" : "copied";
            } else {
                ImageReference tag = withTag(a.tag());
                Optional<Descriptor> current = registry.head(tag);
                if (current.isPresent() && !current.get().digest().equals(a.digest())) {
                    outcome = "kept";
                } else if (current.isPresent()) {
                    outcome = "present";
                } else {
                    putChildren(a);
                    registry.putManifest(repository, a.tag(), a.manifest());
                    outcome = "copied";
                }
            }
            done.add(record(a, outcome));
        }
        return done;
    }

    /** What would be done: every attachment {@code planned}, or {@code not-copied}. */
    List<PromotionRecord.Attachment> planned(String outcome) {
        return attachments.stream().map(a -> record(a, outcome)).toList();
    }

    private PromotionRecord.Attachment record(SourceAttachment a, String outcome) {
        return new PromotionRecord.Attachment(repository.name(), a.subject(), a.digest(), a.artifactType(), a.tag(), outcome);
    }

    private void putChildren(SourceAttachment a) throws GrockerException {
        for (Manifest child : a.children()) {
            registry.putManifest(repository, child);
        }
    }

    private ImageReference withTag(String tag) {
        try {
            return repository.withTag(tag);
        } catch (InputException e) {
            throw new IllegalStateException("'" + tag + "' should be a valid tag", e);
        }
    }
}
