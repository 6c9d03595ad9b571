package io.jenkins.plugins.grocker.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.grocker.testing.HeadlessChromium;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The report in a real browser (Debian's Chromium, headless, over the DevTools protocol): it renders, nothing
 * throws or logs an error, it loads nothing but itself, the graph has one node per image, hostile values show as
 * text, and a screenshot is kept under {@code target/report-screenshots/}.
 */
class ReportBrowserIT {
    private static final Path OUT = Path.of("target/report-screenshots");
    private static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(OUT);
        chromium = HeadlessChromium.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
    }

    private static Path write(String name, String html) throws Exception {
        Path file = OUT.resolve(name).toAbsolutePath();
        Files.writeString(file, html, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void theBuildReportRendersWithOneNodePerImageAndNoErrors() throws Exception {
        BuildReport report = ReportMapping.fromBuild(ReportSamples.build(), ReportSamples.layers(), "2026-11-28T10:00:00Z", "0.1.0");
        Path page = write("build-report.html", HtmlReport.render(report));

        HeadlessChromium.PageLoad load = chromium.open(page);

        assertThat(load.errors()).as("console errors, exceptions, CSP violations").isEmpty();
        assertThat(load.requests()).as("everything the page asked for").containsExactly(page.toUri().toString());
        assertThat(chromium.evaluate("document.querySelectorAll('svg g.node').length").asInt()).isEqualTo(6);
        List<String> names = new ArrayList<>();
        chromium.evaluate("[...document.querySelectorAll('svg g.node')].map(g => g.dataset.image)").forEach(n -> names.add(n.asText()));
        assertThat(names).containsExactlyElementsOf(ReportSamples.HIERARCHY.stream().map(e -> e[0]).toList());
        assertThat(chromium.evaluate("document.querySelectorAll('svg path.edge').length").asInt()).isEqualTo(5);
        // every box was laid out and drawn, none on top of another
        JsonNode boxes = chromium.evaluate("[...document.querySelectorAll('svg g.node > rect')].map(r => { const b = r.getBoundingClientRect();"
                + " return [b.x, b.y, b.width, b.height]; })");
        for (JsonNode box : boxes) {
            assertThat(box.get(2).asDouble()).isGreaterThan(200);
            assertThat(box.get(3).asDouble()).isGreaterThan(60);
        }
        for (int i = 0; i < boxes.size(); i++) {
            for (int j = i + 1; j < boxes.size(); j++) {
                JsonNode a = boxes.get(i);
                JsonNode b = boxes.get(j);
                boolean apart = a.get(0).asDouble() + a.get(2).asDouble() <= b.get(0).asDouble() || b.get(0).asDouble() + b.get(2).asDouble() <= a.get(0).asDouble()
                        || a.get(1).asDouble() + a.get(3).asDouble() <= b.get(1).asDouble() || b.get(1).asDouble() + b.get(3).asDouble() <= a.get(1).asDouble();
                assertThat(apart).as("boxes %d and %d overlap", i, j).isTrue();
            }
        }
        // hostile values are text, not markup
        assertThat(chromium.evaluate("document.querySelectorAll('script, img, iframe').length").asInt()).isZero();
        String text = chromium.evaluate("document.body.innerText").asText();
        assertThat(text).contains(ReportSamples.HOSTILE_NAME).contains(ReportSamples.HOSTILE_TAG);
        assertThat(chromium.evaluate("document.querySelectorAll('section.image table tbody tr').length").asInt()).isGreaterThan(12);

        Path png = chromium.screenshot(OUT.resolve("build-report.png"));
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isGreaterThanOrEqualTo(1280);
        assertThat(image.getHeight()).isGreaterThan(900);
        System.out.println("report screenshot: " + png.toAbsolutePath());
    }

    @Test
    void thePromotionReportRendersWithoutErrors() throws Exception {
        BuildReport report = ReportMapping.fromPromotion(ReportSamples.promotion(),
                List.of("release tags (v[0-9].*, X.Y.Z) move only with --force"), "release-managers: alice", "0.1.0");
        Path page = write("promotion-report.html", HtmlReport.render(report));

        HeadlessChromium.PageLoad load = chromium.open(page);

        assertThat(load.errors()).isEmpty();
        assertThat(load.requests()).containsExactly(page.toUri().toString());
        assertThat(chromium.evaluate("document.querySelector('#promotion').innerText").asText())
                .contains("127.0.0.1:5000/release/app-runner:1.4.2").contains("release-managers: alice").contains(ReportSamples.HOSTILE_REASON);
        chromium.screenshot(OUT.resolve("promotion-report.png"));
    }

    /** The check above would fail on a page whose script throws: shown here on a page made to. */
    @Test
    void aThrowingScriptIsCaught() throws Exception {
        Path page = write("throws.html", "<!DOCTYPE html><html><body><p>x</p><script>throw new Error('boom')</script></body></html>");

        HeadlessChromium.PageLoad load = chromium.open(page);

        assertThat(load.errors()).anySatisfy(e -> assertThat(e).contains("boom"));
    }

    /** ...and on a page that loads something from elsewhere, or that its CSP blocks. */
    @Test
    void anExternalLoadIsSeen() throws Exception {
        Path page = write("external.html", "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\">"
                + "</head><body><script>console.log('blocked')</script><img src=\"http://127.0.0.1:9/x.png\"></body></html>");

        HeadlessChromium.PageLoad load = chromium.open(page);

        assertThat(load.errors()).isNotEmpty(); // the CSP refusals are errors
    }
}
