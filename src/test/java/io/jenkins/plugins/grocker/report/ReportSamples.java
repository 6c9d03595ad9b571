package io.jenkins.plugins.grocker.report;

import io.jenkins.plugins.grocker.build.BuildResult;
import io.jenkins.plugins.grocker.build.Reason;
import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.scan.ScanResult;
import io.jenkins.plugins.grocker.promote.PromotionRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs to report on: a FlowCore-like hierarchy of six images on two platforms (one of them with a name, tags
 * and reasons an attacker chose), layers served by an in-memory {@link LayerSource} where each child has its
 * parent's layers plus its own, and a promotion.
 */
final class ReportSamples {
    static final String HOSTILE_NAME = "<script>throw new Error('name')</script>&\"'";
    static final String HOSTILE_TAG = "\"><img src=x onerror=\"throw new Error('tag')\">";
    static final String HOSTILE_REASON = "</text><script>throw new Error('reason')</script><text>";
    static final String HOSTILE_OUTPUT = "</pre><script>throw new Error('scanner')</script><pre>";

    private ReportSamples() {}

    static Digest digest(String seed) {
        StringBuilder hex = new StringBuilder();
        int h = seed.hashCode();
        while (hex.length() < 64) {
            h = h * 31 + 17;
            hex.append(String.format("%08x", h));
        }
        return Digest.ofSha256Hex(hex.substring(0, 64));
    }

    /** name → parent (null for a root), in spec order. */
    static final List<String[]> HIERARCHY = List.of(
            new String[] {"debian-base", null},
            new String[] {"python-base", "debian-base"},
            new String[] {"kafka-python-base", "python-base"},
            new String[] {"fastapi-base", "python-base"},
            new String[] {HOSTILE_NAME, "python-base"},
            new String[] {"app-runner", "fastapi-base"});

    static BuildResult build() {
        List<BuildResult.ImageResult> images = new ArrayList<>();
        for (String[] entry : HIERARCHY) {
            String name = entry[0];
            boolean built = name.equals("fastapi-base") || name.equals("app-runner") || name.equals(HOSTILE_NAME);
            List<BuildResult.PlatformResult> platforms = new ArrayList<>();
            for (String platform : List.of("linux/amd64", "linux/arm64")) {
                Reason reason = name.equals(HOSTILE_NAME) ? Reason.recorded(HOSTILE_REASON)
                        : built ? Reason.newKey(digest(name + platform).shortForm())
                        : Reason.foundInRegistry(digest(name + platform).shortForm(), "127.0.0.1:5000");
                List<BuildResult.Attachment> attached = List.of(
                        new BuildResult.Attachment("sbom", "application/vnd.cyclonedx+json", digest("sbom" + name + platform), "referrers-tag"),
                        new BuildResult.Attachment("provenance", "application/vnd.in-toto+json", digest("prov" + name + platform), "referrers-tag"));
                boolean marked = name.equals("app-runner") && platform.endsWith("amd64");
                ScanResult scan = new ScanResult(name, platform, "127.0.0.1:5000/flowcore/" + name + "@" + digest(name + platform),
                        marked ? 3 : 0, !marked, 0.4, marked ? "marker package grocker-scan-marker 1.0 found\n" + HOSTILE_OUTPUT + "\n"
                        : "no finding\n", true);
                platforms.add(new BuildResult.PlatformResult(platform, digest(name + platform), null, digest(name).shortForm(),
                        built ? Status.BUILT : Status.REUSED, reason, built ? (platform.endsWith("arm64") ? 212.5 : 31.4) : 0.2,
                        "unix:///var/run/docker.sock", attached, scan));
            }
            List<String> tags = name.equals(HOSTILE_NAME) ? List.of(HOSTILE_TAG, "3.11") : List.of("3.11", "latest");
            images.add(new BuildResult.ImageResult(name, "127.0.0.1:5000/flowcore/" + (name.equals(HOSTILE_NAME) ? "odd" : name),
                    entry[1], entry[1] == null ? "127.0.0.1:5000/debian:bookworm" : null, built ? Status.BUILT : Status.REUSED,
                    new BuildResult.IndexResult(digest(name), "application/vnd.oci.image.index.v1+json", 512), tags, platforms));
        }
        return new BuildResult("examples/flowcore/flowcore.yaml", true, images);
    }

    /** Layers: a child's are its parent's plus one or two of its own. */
    static LayerSource layers() {
        Map<Digest, List<LayerSource.Layer>> byDigest = new HashMap<>();
        Map<String, String> parents = new HashMap<>();
        HIERARCHY.forEach(e -> parents.put(e[0], e[1]));
        for (String[] entry : HIERARCHY) {
            for (String platform : List.of("linux/amd64", "linux/arm64")) {
                byDigest.put(digest(entry[0] + platform), layersOf(entry[0], platform, parents));
            }
        }
        return (repository, digest) -> byDigest.getOrDefault(digest, List.of());
    }

    private static List<LayerSource.Layer> layersOf(String name, String platform, Map<String, String> parents) {
        List<LayerSource.Layer> layers = new ArrayList<>();
        String parent = parents.get(name);
        if (parent != null) {
            layers.addAll(layersOf(parent, platform, parents));
        }
        int own = parent == null ? 1 : 2;
        for (int i = 0; i < own; i++) {
            layers.add(new LayerSource.Layer(digest(name + platform + i), (parent == null ? 30_000_000L : 4_000_000L) * (i + 1)));
        }
        return layers;
    }

    static PromotionRecord promotion() {
        return new PromotionRecord("2026-11-28T09:14:03.512Z", "jdoe", "https://ci.example.org/job/release/42/", false,
                new PromotionRecord.Source("127.0.0.1:5000/flowcore/app-runner:3.11", digest("app-runner"),
                        "application/vnd.oci.image.index.v1+json", List.of("linux/amd64", "linux/arm64"), 3, 9, 123_456_789L),
                List.of(new PromotionRecord.Target("127.0.0.1:5000/release/app-runner:1.4.2", null, digest("app-runner"), PromotionRecord.TargetOutcome.TAGGED, null),
                        new PromotionRecord.Target("127.0.0.1:5000/release/app-runner:" + "latest", digest("old"), digest("app-runner"),
                                PromotionRecord.TargetOutcome.TAGGED, HOSTILE_REASON)),
                new PromotionRecord.Blobs(9, 0, 0, 0), PromotionRecord.Outcome.PROMOTED, null,
                List.of(new PromotionRecord.Attachment("127.0.0.1:5000/release/app-runner", digest("app-runnerlinux/amd64"),
                                digest("sbomapp-runnerlinux/amd64"), "application/vnd.cyclonedx+json", null, "copied"),
                        new PromotionRecord.Attachment("127.0.0.1:5000/release/app-runner", digest("app-runnerlinux/amd64"),
                                digest("provapp-runnerlinux/amd64"), "application/vnd.in-toto+json", null, "copied"),
                        new PromotionRecord.Attachment("127.0.0.1:5000/release/app-runner", digest("app-runner"), digest("cosign"),
                                null, "sha256-" + digest("app-runner").hex() + ".sig", "copied")),
                List.of(new ScanResult("127.0.0.1:5000/flowcore/app-runner", "linux/amd64", "127.0.0.1:5000/flowcore/app-runner@"
                        + digest("app-runnerlinux/amd64"), 0, true, 1.2, "no finding\n", true)));
    }
}
