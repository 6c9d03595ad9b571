package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.plan.BuildGraph;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link ImageBuild#plan()} decided: the graph of the targets and, for every target and each of its
 * platforms, a {@link Decision}. Running carries it out; {@code grocker plan} prints it. Immutable.
 *
 * @param origin the spec file, for the result
 * @param push whether running pushes
 */
public record BuildPlan(String origin, boolean push, BuildGraph graph, Map<String, BuildTarget> targets,
        Map<String, Map<Platform, Decision>> decisions) {
    public BuildPlan {
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        Map<String, Map<Platform, Decision>> copy = new LinkedHashMap<>();
        decisions.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        decisions = Collections.unmodifiableMap(copy);
    }

    /** Every decision, parents before children. */
    public List<Decision> all() {
        List<Decision> all = new ArrayList<>();
        for (String name : graph.order()) {
            all.addAll(decisions.get(name).values());
        }
        return all;
    }

    /** The decisions of one target, by platform. */
    public Map<Platform, Decision> decisions(String name) {
        return decisions.get(name);
    }

    /** How many image/platform builds the plan holds (reuses left out). */
    public long builds() {
        return all().stream().filter(d -> d.status() == Status.BUILD).count();
    }

    /** The plan in the shape of a run's result ({@code grocker plan --output-json}): nothing pushed, no index. */
    public BuildResult toResult() {
        List<BuildResult.ImageResult> images = new ArrayList<>();
        for (String name : graph.order()) {
            BuildTarget target = targets.get(name);
            List<BuildResult.PlatformResult> platforms = new ArrayList<>();
            boolean anyBuild = false;
            for (Decision d : decisions.get(name).values()) {
                anyBuild |= d.status() == Status.BUILD;
                String key = null;
                String imageId = null;
                if (d instanceof Decision.Reuse r) {
                    key = r.key().hex();
                    imageId = r.imageId();
                } else if (d instanceof Decision.Build b) {
                    key = b.key().hex();
                }
                platforms.add(new BuildResult.PlatformResult(d.platform().toString(), null, imageId, key, d.status(),
                        d.reason(), 0, d.engine()));
            }
            List<String> tags = target.tags().stream().map(t -> target.repository().name() + ":" + t).toList();
            images.add(new BuildResult.ImageResult(name, target.repository().name(), target.parent(), from(target),
                    anyBuild ? Status.BUILD : Status.REUSE, null, tags, platforms));
        }
        return new BuildResult(origin, false, images);
    }

    /** What a root starts from, as the spec says it ({@code scratch} or the reference); null for a child. */
    static String from(BuildTarget target) {
        if (target.base() instanceof BuildTarget.Base.External e) {
            return e.image().toString();
        }
        return target.base() instanceof BuildTarget.Base.Scratch ? "scratch" : null;
    }
}
