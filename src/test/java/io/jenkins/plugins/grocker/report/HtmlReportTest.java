package io.jenkins.plugins.grocker.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The page as text: what it contains and what it must never contain. The browser test checks it rendered. */
class HtmlReportTest {
    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void drawsOneNodePerImageAndOneEdgePerParent() {
        String html = HtmlReport.render(ReportMapping.fromBuild(ReportSamples.build(), ReportSamples.layers(), "2026-11-28T10:00:00Z", "0.1.0"));

        assertThat(count(html, "<g class=\"node ")).isEqualTo(6);
        assertThat(count(html, "<path class=\"edge\"")).isEqualTo(5);
        assertThat(html).contains("data-from=\"fastapi-base\" data-to=\"app-runner\"");
        assertThat(count(html, "<section class=\"image card\"")).isEqualTo(6);
    }

    @Test
    void isSelfContained() {
        String html = HtmlReport.render(ReportMapping.fromBuild(ReportSamples.build(), ReportSamples.layers(), null, "0.1.0"));

        assertThat(html).doesNotContainPattern("(?i)<script|<link|<img|<iframe|@import|url\\(http|src=\"");
        assertThat(html).contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">");
    }

    @Test
    void escapesEveryValue() {
        String html = HtmlReport.render(ReportMapping.fromBuild(ReportSamples.build(), ReportSamples.layers(), null, "0.1.0"));

        assertThat(html).doesNotContain(ReportSamples.HOSTILE_NAME).doesNotContain(ReportSamples.HOSTILE_TAG)
                .doesNotContain(ReportSamples.HOSTILE_REASON).doesNotContain(ReportSamples.HOSTILE_OUTPUT).doesNotContain("onerror=\"");
        assertThat(html).contains("&lt;script&gt;throw new Error(&#39;name&#39;)&lt;/script&gt;&amp;&quot;&#39;");
    }

    @Test
    void showsWhatIsAttachedAndWhatTheScannerSaid() {
        String html = HtmlReport.render(ReportMapping.fromBuild(ReportSamples.build(), ReportSamples.layers(), null, "0.1.0"));

        assertThat(count(html, "<td>sbom <code title=\"sha256:")).isEqualTo(12);
        assertThat(count(html, "provenance <code title=\"sha256:")).isEqualTo(12);
        assertThat(html).contains("<b>1 failed</b>scan gate, 12 platform images");
        assertThat(count(html, Pattern.quote("<span class=\"badge bad\">failed (exit 3)</span>"))).isEqualTo(1);
        assertThat(html).contains("<details class=\"scan\" open><summary>Scanner output for linux/amd64 (given the SBOM)</summary>"
                + "<pre>marker package grocker-scan-marker 1.0 found\n&lt;/pre&gt;&lt;script&gt;");
        assertThat(html).contains("<g class=\"node built failed\" data-image=\"app-runner\">");
    }

    @Test
    void showsSizesAndWhatEachLayerAdds() {
        String html = HtmlReport.render(ReportMapping.fromBuild(ReportSamples.build(), ReportSamples.layers(), null, "0.1.0"));

        // python-base: debian's 30 MB layer shared, its own 4 + 8 MB new
        assertThat(html).contains("Layers of linux/amd64: 3 (28.6 MiB shared with the parent, 11.4 MiB new)");
        assertThat(html).contains("base (not compared)"); // the root's base is outside the report
    }

    @Test
    void rendersAPromotionWithItsGuardsAndApprover() {
        String html = HtmlReport.render(ReportMapping.fromPromotion(ReportSamples.promotion(),
                List.of("release tags (v[0-9].*, X.Y.Z) move only with --force"), "release-managers: alice", "0.1.0"));

        assertThat(html).contains("127.0.0.1:5000/release/app-runner:1.4.2").contains("Blobs mounted</th><td>9")
                .contains("release tags (v[0-9].*, X.Y.Z) move only with --force").contains("release-managers: alice")
                .contains("<a href=\"https://ci.example.org/job/release/42/\" rel=\"noreferrer\">");
        assertThat(html).doesNotContain(ReportSamples.HOSTILE_REASON).doesNotContain("<g class=\"node");
        assertThat(html).contains("<h3>Carried with the image</h3>").contains("<td>application/vnd.cyclonedx+json</td>")
                .contains("<td>tag sha256-" + ReportSamples.digest("app-runner").hex() + ".sig</td>")
                .contains("<h3>Scan gate</h3>");
    }

    @Test
    void aBuildLinkThatIsNotHttpIsText() {
        assertThat(Html.link("javascript:alert(1)")).isEqualTo("javascript:alert(1)");
        assertThat(Html.link("https://ci/x?a=1&b=\"2\"")).isEqualTo("<a href=\"https://ci/x?a=1&amp;b=&quot;2&quot;\" rel=\"noreferrer\">https://ci/x?a=1&amp;b=&quot;2&quot;</a>");
    }

    @Test
    void laysOutRowsByDepthWithChildrenUnderTheirParents() {
        LinkedHashMap<String, String> parents = new LinkedHashMap<>();
        parents.put("c2", "b2");
        parents.put("a", null);
        parents.put("b1", "a");
        parents.put("b2", "a");
        parents.put("c1", "b1");
        parents.put("lonely", "missing-parent");

        GraphLayout.Layout layout = GraphLayout.layout(parents);

        assertThat(layout.node("a").row()).isZero();
        assertThat(layout.node("lonely").row()).isZero();
        assertThat(layout.node("lonely").parent()).isNull();
        assertThat(layout.node("b1").row()).isEqualTo(1);
        assertThat(layout.node("c1").row()).isEqualTo(2);
        assertThat(layout.node("c1").column()).isLessThan(layout.node("c2").column()); // under b1, which is left of b2
        assertThat(layout.node("c1").x()).isLessThan(layout.node("c2").x());
        // no two boxes overlap
        for (GraphLayout.Node a : layout.nodes()) {
            for (GraphLayout.Node b : layout.nodes()) {
                if (a != b && a.row() == b.row()) {
                    assertThat(Math.abs(a.x() - b.x())).isGreaterThanOrEqualTo(GraphLayout.NODE_WIDTH);
                }
            }
        }
    }

    @Test
    void aCycleDoesNotHangTheLayout() {
        LinkedHashMap<String, String> parents = new LinkedHashMap<>();
        parents.put("a", "b");
        parents.put("b", "a");

        assertThat(GraphLayout.layout(parents).nodes()).hasSize(2);
    }
}
