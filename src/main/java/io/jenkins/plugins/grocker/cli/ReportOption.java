package io.jenkins.plugins.grocker.cli;

import io.jenkins.plugins.grocker.AtomicFile;
import io.jenkins.plugins.grocker.GrockerVersion;
import io.jenkins.plugins.grocker.InputException;
import io.jenkins.plugins.grocker.JsonFile;
import io.jenkins.plugins.grocker.build.BuildResult;
import io.jenkins.plugins.grocker.promote.PromotionRecord;
import io.jenkins.plugins.grocker.registry.RegistryClient;
import io.jenkins.plugins.grocker.report.BuildReport;
import io.jenkins.plugins.grocker.report.HtmlReport;
import io.jenkins.plugins.grocker.report.RegistryLayerSource;
import io.jenkins.plugins.grocker.report.ReportMapping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --report FILE}: the run as one self-contained HTML page (base, runner, publish, promote). */
final class ReportOption {
    @Option(names = "--report", paramLabel = "FILE",
            description = "Write a self-contained HTML report to FILE (no scripts, nothing loaded from elsewhere): the "
                    + "hierarchy as a graph, per image its platforms, built or reused and why, seconds, size, digests, "
                    + "tags, layers, attached SBOM and provenance, the scan gate; for promote the targets, blobs, guards, "
                    + "approver and what travelled with the image. Written on failure of the scan gate too.")
    Path report;

    /** Fails early when the report could not be written later. */
    void check() throws InputException {
        if (report != null) {
            JsonFile.checkWritable(report, "--report");
        }
    }

    /** The report of a build; sizes and layers from the registry when it was pushed. */
    void build(BuildResult result, RegistryClient registry) throws InputException {
        if (report != null) {
            write(ReportMapping.fromBuild(result, result.pushed() ? new RegistryLayerSource(registry) : null,
                    Instant.now().toString(), GrockerVersion.get()));
        }
    }

    /** The report of a promotion. */
    void promotion(PromotionRecord record, List<String> guards, String approver) throws InputException {
        if (report != null) {
            write(ReportMapping.fromPromotion(record, guards, approver, GrockerVersion.get()));
        }
    }

    private void write(BuildReport content) throws InputException {
        byte[] html = HtmlReport.render(content).getBytes(StandardCharsets.UTF_8);
        try {
            AtomicFile.write(report, out -> out.write(html));
        } catch (IOException e) {
            throw new InputException("--report: cannot write " + report + ": " + e.getMessage());
        }
    }
}
