package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.dockerfile.BuildContext;
import io.jenkins.plugins.grocker.dockerfile.DockerfileRenderer;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.spec.AptPackages;
import io.jenkins.plugins.grocker.spec.HierarchySpec;
import io.jenkins.plugins.grocker.spec.ImageSpec;
import io.jenkins.plugins.grocker.spec.PythonSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The images of a hierarchy spec as {@link BuildTarget}s, each rendered from the base-image template. */
final class HierarchyTargets {
    private HierarchyTargets() {}

    static List<BuildTarget> of(HierarchySpec spec) throws InputException {
        DockerfileRenderer renderer = new DockerfileRenderer();
        RootfsTools tools = new RootfsTools();
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
                    new Recipe(renderer, tools, spec, image, origin)));
        }
        return targets;
    }

    /**
     * Renders one image of the spec. Before anything is built it checks that a scratch image has a root filesystem
     * for each platform, that the values the entrypoint and the copied trees take are valid, and, for a hierarchy
     * whose root is a root filesystem of this spec, that it has the tools the image's fields need.
     */
    private record Recipe(DockerfileRenderer renderer, RootfsTools tools, HierarchySpec spec, ImageSpec image, String origin)
            implements BuildTarget.Recipe {
        @Override
        public BuildContext render(Platform platform, String from) {
            return renderer.render(spec, image, platform, from);
        }

        @Override
        public void check(Platform platform) throws InputException {
            try {
                renderer.check(image);
            } catch (DockerfileRenderer.SpecValueException e) {
                throw new InputException(origin + ": field '" + e.field() + "': " + e.getMessage());
            }
            List<ImageSpec> lineage = spec.lineage(image);
            ImageSpec root = lineage.get(lineage.size() - 1);
            if (root.isScratch()) {
                Path tar = root.rootfs().get(platform);
                if (tar == null) {
                    throw new InputException(spec.file() + ": image '" + root.name() + "': field 'rootfs': has no root filesystem for "
                            + platform);
                }
                if (!Files.isRegularFile(tar)) {
                    throw new InputException(spec.file() + ": image '" + root.name() + "': field 'rootfs." + platform + "': " + tar
                            + " does not exist");
                }
                checkTools(lineage, platform, tar);
            }
        }

        /** Fields that run a tool the root filesystem lacks (and no image of the lineage installs) are named now. */
        private void checkTools(List<ImageSpec> lineage, Platform platform, Path tar) throws InputException {
            String field = aptField(image, platform);
            java.util.Set<String> has;
            if (field == null && image.user() == null && (image.python() == null || image.python().venv() == null
                    && !image.python().installs())) {
                return;
            }
            try {
                has = tools.of(tar);
            } catch (IOException e) {
                throw new InputException(spec.file() + ": image '" + lineage.get(lineage.size() - 1).name() + "': field 'rootfs."
                        + platform + "': cannot read " + tar + ": " + e.getMessage());
            }
            String where = " (the root filesystem " + tar.getFileName() + " of image '" + lineage.get(lineage.size() - 1).name()
                    + "' for " + platform + ")";
            if (field != null && !has.contains(RootfsTools.APT_GET)) {
                throw new InputException(origin + ": field '" + field + "': needs apt-get, which the base does not have" + where
                        + "; use a Debian or Ubuntu base");
            }
            List<String> installed = new ArrayList<>();
            for (ImageSpec i : lineage) {
                installed.addAll(AptPackages.forPlatform(i.packages(), platform));
                if (i.python() != null && "apt".equals(i.python().interpreter())) {
                    installed.add("python3");
                }
            }
            if (image.user() != null && !has.contains(RootfsTools.USERADD) && !installed.contains("passwd")) {
                throw new InputException(origin + ": field 'user': needs useradd, which the base does not have" + where
                        + "; add the package passwd to a parent's packages");
            }
            PythonSpec py = image.python();
            boolean needsPython = py != null && (py.venv() != null || py.installs()) && !"apt".equals(py.interpreter());
            if (needsPython && !has.contains(RootfsTools.PYTHON3) && !installed.contains("python3")) {
                throw new InputException(origin + ": field 'python': needs python3, which the base does not have" + where
                        + "; use interpreter: apt");
            }
        }

        /** The field that makes the image run apt-get on this platform, or null when nothing does. */
        private String aptField(ImageSpec image, Platform platform) {
            if (!AptPackages.forPlatform(image.packages(), platform).isEmpty()) {
                return "packages";
            }
            if (!image.locales().isEmpty()) {
                return "locales";
            }
            if (image.python() != null && "apt".equals(image.python().interpreter())) {
                return "python.interpreter";
            }
            if (image.user() != null && image.user().sudo()) {
                return "user.sudo";
            }
            if (image.entrypoint() != null && !spec.inheritsEntrypoint(image)) {
                return "entrypoint";
            }
            return null;
        }
    }
}
