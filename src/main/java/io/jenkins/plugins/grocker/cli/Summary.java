package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.build.BuildResult;
import io.jenkins.plugins.grocker.events.Status;
import java.io.PrintWriter;

/** The closing lines of the building commands. */
final class Summary {
    private Summary() {}

    /** {@code done in 12.3s: 2 of 6 image/platform builds ran, 4 reused}, then one line per image. */
    static void builds(PrintWriter out, long startNanos, BuildResult result) {
        long built = result.images().stream().flatMap(i -> i.platforms().stream()).filter(p -> p.status() == Status.BUILT).count();
        long total = result.images().stream().mapToLong(i -> i.platforms().size()).sum();
        out.printf("done in %.1fs: %d of %d image/platform builds ran, %d reused%n", seconds(startNanos), built, total,
                total - built);
        scans(out, result.scans());
        for (BuildResult.ImageResult image : result.images()) {
            out.println(image.repository() + (image.index() == null ? "" : "@" + image.index().digest()) + " " + image.status()
                    + (image.tags().isEmpty() ? "" : " tags: " + String.join(", ", image.tags())));
        }
    }

    /** One line per scan: {@code scan failed (exit 3): app-base linux/amd64 reg/app@sha256:…}. */
    static void scans(PrintWriter out, java.util.List<io.jenkins.plugins.grocker.scan.ScanResult> scans) {
        for (io.jenkins.plugins.grocker.scan.ScanResult s : scans) {
            out.println("scan " + (s.passed() ? "passed" : "failed (exit " + s.exitCode() + ")") + ": " + s.name() + " "
                    + s.platform() + " " + s.image());
        }
        out.flush();
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
