package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.dockerfile.BuildContext;
import io.jenkins.plugins.grocker.dockerfile.DockerfileRenderer;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import io.jenkins.plugins.grocker.spec.ImageSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The images of a hierarchy spec as {@link BuildTarget}s, each rendered from the base-image template. */
final class HierarchyTargets {
    private HierarchyTargets() {}

    static List<BuildTarget> of(HierarchySpec spec) throws InputException {
        DockerfileRenderer renderer = new DockerfileRenderer();
        List<BuildTarget> targets = new ArrayList<>();
        for (ImageSpec image : spec.images()) {
            String origin = spec.file() + ": image '" + image.name() + "'";
            ImageReference repository;
            try {
                repository = ImageReference.parse(spec.repository(image));
            } catch (InputException e) {
                throw new InputException(origin + ": field 'name': " + e.getMessage());
            }
            BuildTarget.Base base;
            if (image.isScratch()) {
                base = new BuildTarget.Base.Scratch();
            } else if (image.parent() != null) {
                base = new BuildTarget.Base.Parent(image.parent());
            } else {
                ImageReference from;
                try {
                    from = ImageReference.parse(image.from());
                } catch (InputException e) {
                    throw new InputException(origin + ": field 'from': " + e.getMessage());
                }
                base = new BuildTarget.Base.External(from, origin + ": field 'from'");
            }
            targets.add(new BuildTarget(image.name(), repository, base, spec.declaredPlatforms(image), image.tags(), origin,
                    new Recipe(renderer, spec, image, origin)));
        }
        return targets;
    }

    /** Renders one image of the spec; checks that a scratch image has a root filesystem for each platform. */
    private record Recipe(DockerfileRenderer renderer, HierarchySpec spec, ImageSpec image, String origin)
            implements BuildTarget.Recipe {
        @Override
        public BuildContext render(Platform platform, String from) {
            return renderer.render(spec, image, platform, from);
        }

        @Override
        public void check(Platform platform) throws InputException {
            if (!image.isScratch()) {
                return;
            }
            Path tar = image.rootfs().get(platform);
            if (tar == null) {
                throw new InputException(origin + ": field 'rootfs': has no root filesystem for " + platform);
            }
            if (!Files.isRegularFile(tar)) {
                throw new InputException(origin + ": field 'rootfs." + platform + "': " + tar + " does not exist");
            }
        }
    }
}
