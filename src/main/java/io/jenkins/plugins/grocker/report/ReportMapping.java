package io.jenkins.plugins.grocker.report;

import io.jenkins.plugins.grocker.build.BuildResult;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.promote.PromotionRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link BuildReport} from what a run leaves today: a {@link BuildResult} (the {@code --output-json} of
 * {@code base} and {@code runner}) with layers from a {@link LayerSource}, or a {@link PromotionRecord} with the
 * guards and the approver, which the record does not hold. Stateless.
 */
public final class ReportMapping {
    private ReportMapping() {}

    /**
     * The report of a build.
     *
     * @param layers where sizes and layers come from, or null for a report without them (a run without push)
     */
    public static BuildReport fromBuild(BuildResult result, LayerSource layers, String generatedAt, String toolVersion) {
        Map<String, BuildResult.ImageResult> byName = new HashMap<>();
        result.images().forEach(i -> byName.put(i.name(), i));
        Map<String, List<LayerSource.Layer>> cache = new HashMap<>();
        List<BuildReport.Image> images = new ArrayList<>();
        for (BuildResult.ImageResult image : result.images()) {
            BuildResult.ImageResult parent = image.parent() == null ? null : byName.get(image.parent());
            List<BuildReport.Platform> platforms = new ArrayList<>();
            for (BuildResult.PlatformResult p : image.platforms()) {
                List<LayerSource.Layer> own = layersOf(layers, image.repository(), p.digest(), cache);
                Set<Digest> parentLayers = null;
                if (parent != null) {
                    for (BuildResult.PlatformResult pp : parent.platforms()) {
                        if (pp.platform().equals(p.platform())) {
                            List<LayerSource.Layer> theirs = layersOf(layers, parent.repository(), pp.digest(), cache);
                            parentLayers = theirs.isEmpty() ? null : new HashSet<>(theirs.stream().map(LayerSource.Layer::digest).toList());
                        }
                    }
                }
                List<BuildReport.Layer> rows = new ArrayList<>();
                for (LayerSource.Layer l : own) {
                    rows.add(new BuildReport.Layer(l.digest(), l.size(), parentLayers == null ? null : parentLayers.contains(l.digest())));
                }
                Long size = own.isEmpty() ? null : own.stream().mapToLong(LayerSource.Layer::size).sum();
                platforms.add(new BuildReport.Platform(p.platform(), p.status(), p.reason() == null ? null : p.reason().toString(),
                        p.seconds(), p.digest(), size, rows, p.attachments(), p.scan()));
            }
            images.add(new BuildReport.Image(image.name(), image.repository(), image.parent(), image.from(), image.tags(),
                    image.index() == null ? null : image.index().digest(), platforms));
        }
        String spec = result.spec();
        String name = spec == null ? "build" : spec.substring(Math.max(spec.lastIndexOf('/'), spec.lastIndexOf('\\')) + 1);
        return new BuildReport("grocker build report: " + name, generatedAt, spec, images, null, toolVersion);
    }

    /**
     * The report of a promotion.
     *
     * @param guards the guards that applied, in words
     * @param approver who approved the promotion, or null
     */
    public static BuildReport fromPromotion(PromotionRecord record, List<String> guards, String approver, String toolVersion) {
        PromotionRecord.Source source = record.source();
        List<BuildReport.Target> targets = record.targets().stream()
                .map(t -> new BuildReport.Target(t.ref(), t.previousDigest(), t.digest(), t.outcome() == null ? null : t.outcome().toString(),
                        t.detail())).toList();
        PromotionRecord.Blobs blobs = record.blobs() != null ? record.blobs() : new PromotionRecord.Blobs(0, 0, 0, 0);
        BuildReport.Promotion promotion = new BuildReport.Promotion(source == null ? null : source.ref(),
                source == null ? null : source.digest(), source == null ? List.of() : source.platforms(), targets,
                blobs.mounted(), blobs.copied(), blobs.skipped(), blobs.bytesCopied(), guards, approver, record.who(),
                record.build(), record.dryRun(), record.outcome() == null ? null : record.outcome().toString(), record.error(),
                record.attachments(), record.scans());
        return new BuildReport("grocker promotion report: " + (source == null ? "?" : source.ref()), record.time(), null, List.of(),
                promotion, toolVersion);
    }

    private static List<LayerSource.Layer> layersOf(LayerSource source, String repository, Digest digest,
            Map<String, List<LayerSource.Layer>> cache) {
        if (source == null || repository == null || digest == null) {
            return List.of();
        }
        return cache.computeIfAbsent(repository + "@" + digest, k -> source.layers(repository, digest));
    }

}
