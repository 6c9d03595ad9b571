package io.jenkins.plugins.grocker.build;

import io.jenkins.plugins.grocker.AtomicFile;
import io.jenkins.plugins.grocker.GrockerException;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.docker.ContainerEngine;
import io.jenkins.plugins.grocker.docker.ContainerResult;
import io.jenkins.plugins.grocker.docker.RunRequest;
import io.jenkins.plugins.grocker.image.Digest;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.image.Platform;
import io.jenkins.plugins.grocker.registry.ImageConfig;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.spec.AppRequirement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Looks at an application's base image on one platform before anything is built: its config in the registry (user,
 * environment, labels) and, in a short container of it, its Python: whether {@code python3} is there, its version,
 * whether it has the {@code venv} module, and the distributions installed in a virtual environment of it. The
 * container runs {@code /bin/sh} instead of the image's entrypoint, as the image's user, and changes nothing. What it
 * prints is kept in this machine's grocker cache ({@code probes/}), by base digest: the next build on the same base
 * reads it instead of starting a container.
 */
final class InspectBaseStep {
    /** Prints {@code grocker-probe KEY VALUE...} lines; {@code $1} is the venv to list, or empty. */
    static final String PROBE = String.join("\n",
            "command -v python3 >/dev/null 2>&1 || { echo 'grocker-probe no-python3'; exit 0; }",
            "python3 -c 'import sys; print(\"grocker-probe python %d.%d\" % sys.version_info[:2])'",
            "if python3 -c 'import venv' >/dev/null 2>&1; then echo 'grocker-probe venv-module yes';"
                    + " else echo 'grocker-probe venv-module no'; fi",
            "[ -n \"$1\" ] || exit 0",
            "[ -x \"$1/bin/python\" ] || { echo 'grocker-probe no-venv'; exit 0; }",
            "\"$1/bin/python\" -c 'import importlib.metadata as m",
            "for d in m.distributions(): print(\"grocker-probe dist\", d.metadata[\"Name\"], d.version)'",
            "");

    /**
     * What was found.
     *
     * @param pinned the base pinned by digest for this platform
     * @param python {@code major.minor} of {@code python3}, or null when there is none
     * @param venvModule whether {@code python3 -c 'import venv'} works
     * @param venv the virtual environment that was listed (the one asked for, or the base's {@code VIRTUAL_ENV}), or
     *     null
     * @param venvFound whether {@code venv/bin/python} exists
     * @param distributions the distributions installed in {@code venv}, by normalized name, to their versions
     */
    record Facts(Platform platform, String pinned, ImageConfig config, String python, boolean venvModule, String venv,
            boolean venvFound, Map<String, String> distributions) {}

    private final RegistryClient registry;
    private final ContainerEngine engine;
    private final Platform platform;
    private final String pinned;
    private final boolean inheritVenv;
    private final Path probes;

    /**
     * @param inheritVenv list the distributions of the base's own virtual environment (its {@code VIRTUAL_ENV})
     * @param probes where the probes' outputs are kept, one file per base digest, platform, venv and probe (an image
     *     pinned by digest never changes, so neither does what the probe prints in it); null: none kept
     */
    InspectBaseStep(RegistryClient registry, ContainerEngine engine, Platform platform, String pinned, boolean inheritVenv,
            Path probes) {
        this.registry = registry;
        this.engine = engine;
        this.platform = platform;
        this.pinned = pinned;
        this.inheritVenv = inheritVenv;
        this.probes = probes;
    }

    Facts call() throws GrockerException {
        ImageConfig config = registry.config(ImageReference.parse(pinned));
        String venv = inheritVenv ? config.env().get("VIRTUAL_ENV") : null;
        if (venv != null && (venv.isBlank() || !venv.startsWith("/"))) {
            venv = null;
        }
        Path kept = probes == null || !pinned.contains("@sha256:") ? null : probes.resolve(Digest.sha256(String.join("\n", pinned, platform.toString(),
                venv == null ? "" : venv, PROBE).getBytes(StandardCharsets.UTF_8)).hex() + ".txt");
        String output = kept == null ? null : readKept(kept);
        if (output == null) {
            RunRequest request = RunRequest.builder(pinned).platform(platform).entrypoint(List.of("/bin/sh", "-c", PROBE,
                    "grocker-probe", venv == null ? "" : venv)).timeout(Duration.ofMinutes(10)).build();
            ContainerResult result = engine.run(request, null, null, null, null);
            if (result.exitCode() != 0) {
                throw new InputException("cannot look at the Python of " + pinned + " on " + platform + ": /bin/sh exited with "
                        + result.exitCode() + ": " + lastLine(result.output()));
            }
            output = result.output();
            if (kept != null) {
                keep(kept, output);
            }
        }
        return facts(config, venv, output);
    }

    /** The facts in a probe's output. */
    private Facts facts(ImageConfig config, String venv, String output) {
        String python = null;
        boolean venvModule = false;
        boolean venvFound = venv != null;
        Map<String, String> distributions = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            String[] words = line.strip().split("\\s+");
            if (words.length < 2 || !words[0].equals("grocker-probe")) {
                continue;
            }
            switch (words[1]) {
                case "python" -> python = words.length > 2 ? words[2] : null;
                case "venv-module" -> venvModule = words.length > 2 && words[2].equals("yes");
                case "no-venv" -> venvFound = false;
                case "dist" -> {
                    if (words.length > 3) {
                        distributions.put(AppRequirement.normalize(words[2]), words[3]);
                    }
                }
                default -> { }
            }
        }
        return new Facts(platform, pinned, config, python, venvModule, venv, venvFound, distributions);
    }

    /** A kept probe output, or null when there is none (or it cannot be read: the probe then runs again). */
    private static String readKept(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.contains("grocker-probe ") ? text : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Keeps a probe's output; a cache that cannot be written only means the probe runs again next time. */
    private static void keep(Path file, String output) {
        try {
            AtomicFile.write(file, out -> out.write(output.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            // not kept
        }
    }

    private static String lastLine(String output) {
        List<String> lines = output.strip().lines().toList();
        return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
    }
}
