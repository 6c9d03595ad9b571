package io.jenkins.plugins.grocker.report;

import io.jenkins.plugins.grocker.build.BuildResult;
import io.jenkins.plugins.grocker.events.Status;
import io.jenkins.plugins.grocker.promote.PromotionRecord;
import io.jenkins.plugins.grocker.scan.ScanResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link BuildReport} as one self-contained HTML page: styles inline, no script, no font, no image
 * or other resource from anywhere, and a Content-Security-Policy that forbids them, so it opens offline and as
 * a Jenkins artifact. The hierarchy is an inline SVG laid out by {@link GraphLayout}: one box ({@code g.node})
 * per image with its platforms, built or reused, seconds, size, digest and tags; an arrow from each parent.
 * Below it, per image, the platforms (with their attached SBOM and provenance and the scan), the scanner's output
 * and the layer tables; then the promotion, if any, with what travelled with the image. Every value is escaped.
 * Stateless and thread-safe.
 */
public final class HtmlReport {
    private static final String CSS = """
            :root{--ink:#1d2330;--muted:#5b6475;--line:#d5dae3;--built:#fff1d6;--built-edge:#d08a00;--reused:#e3f4e8;
            --reused-edge:#2f8a4c;--bg:#f7f8fa;--accent:#2457c5}
            *{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
            color:var(--ink);background:var(--bg)}header,main,footer{max-width:1200px;margin:0 auto;padding:16px 24px}
            h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:0 0 8px}h3{font-size:15px;margin:16px 0 6px}
            .meta{color:var(--muted)}.summary{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
            .card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px}
            .stat b{display:block;font-size:20px}.graph{overflow-x:auto}.graph svg{display:block;margin:0 auto}
            section.image,section.promotion{margin:16px 0}table{border-collapse:collapse;width:100%;margin:6px 0 10px;background:#fff}
            th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}th{background:#eef1f6}
            td.num,th.num{text-align:right;white-space:nowrap}code{font:12px ui-monospace,"DejaVu Sans Mono",monospace;word-break:break-all}
            .badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;border:1px solid}
            .badge.built{background:var(--built);border-color:var(--built-edge)}.badge.reused{background:var(--reused);border-color:var(--reused-edge)}
            .badge.bad{background:#fde2e1;border-color:#c0392b}.tags code{background:#eef1f6;border-radius:4px;padding:0 4px;margin-right:4px}
            svg .node rect{stroke-width:1.5}svg .node.built rect{fill:var(--built);stroke:var(--built-edge)}
            svg .node.reused rect{fill:var(--reused);stroke:var(--reused-edge)}svg text{font:12px system-ui,"DejaVu Sans",sans-serif;fill:var(--ink)}
            svg text.name{font-weight:700;font-size:13px}svg text.small{fill:var(--muted);font-size:11px}
            svg .edge{fill:none;stroke:#7a8496;stroke-width:1.5}details summary{cursor:pointer;color:var(--accent)}
            svg .node.failed rect{stroke:#c0392b;stroke-width:3}pre{background:#1d2330;color:#e8ebf0;padding:8px 12px;
            border-radius:6px;overflow-x:auto;max-height:420px;font:12px ui-monospace,"DejaVu Sans Mono",monospace;white-space:pre-wrap}
            .badge.passed{background:var(--reused);border-color:var(--reused-edge)}
            """;

    private HtmlReport() {}

    public static String render(BuildReport report) {
        StringBuilder html = new StringBuilder(32 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(Html.escape(report.title())).append("</title>\n<style>").append(CSS).append("</style>\n</head>\n<body>\n");
        header(html, report);
        html.append("<main>\n");
        if (!report.images().isEmpty()) {
            graph(html, report.images());
            for (int i = 0; i < report.images().size(); i++) {
                image(html, report.images().get(i), i);
            }
        }
        if (report.promotion() != null) {
            promotion(html, report.promotion());
        }
        html.append("</main>\n<footer class=\"meta\">Made by grocker ").append(Html.escape(report.toolVersion()))
                .append(". This page loads nothing from anywhere.</footer>\n</body>\n</html>\n");
        return html.toString();
    }

    private static void header(StringBuilder html, BuildReport report) {
        html.append("<header>\n<h1>").append(Html.escape(report.title())).append("</h1>\n<div class=\"meta\">");
        if (report.spec() != null) {
            html.append("Spec <code>").append(Html.escape(report.spec())).append("</code>");
        }
        if (report.generatedAt() != null) {
            html.append(report.spec() != null ? " · " : "").append(Html.escape(report.generatedAt()));
        }
        html.append("</div>\n");
        if (!report.images().isEmpty()) {
            long built = report.images().stream().filter(BuildReport.Image::built).count();
            double seconds = report.images().stream().mapToDouble(BuildReport.Image::seconds).sum();
            html.append("<div class=\"summary\">")
                    .append(stat(String.valueOf(report.images().size()), "images"))
                    .append(stat(String.valueOf(built), "built"))
                    .append(stat(String.valueOf(report.images().size() - built), "reused"))
                    .append(stat(Html.seconds(seconds), "building, summed over platforms"));
            List<ScanResult> scans = report.scans();
            if (!scans.isEmpty()) {
                long failed = scans.stream().filter(r -> !r.passed()).count();
                html.append(stat(failed == 0 ? "passed" : failed + " failed", "scan gate, " + scans.size() + " platform images"));
            }
            html.append("</div>\n");
        }
        html.append("</header>\n");
    }

    private static String stat(String value, String label) {
        return "<div class=\"card stat\"><b>" + Html.escape(value) + "</b>" + Html.escape(label) + "</div>";
    }

    private static void graph(StringBuilder html, List<BuildReport.Image> images) {
        LinkedHashMap<String, String> parents = new LinkedHashMap<>();
        images.forEach(i -> parents.putIfAbsent(i.name(), i.parent()));
        GraphLayout.Layout layout = GraphLayout.layout(parents);
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < images.size(); i++) {
            index.putIfAbsent(images.get(i).name(), i);
        }
        html.append("<h2>Hierarchy</h2>\n<div class=\"graph card\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"image hierarchy\" ")
                .append("width=\"").append(layout.width()).append("\" height=\"").append(layout.height())
                .append("\" viewBox=\"0 0 ").append(layout.width()).append(' ').append(layout.height()).append("\">\n")
                .append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" ")
                .append("orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#7a8496\"/></marker></defs>\n");
        for (GraphLayout.Node node : layout.nodes()) {
            if (node.parent() == null) {
                continue;
            }
            GraphLayout.Node parent = layout.node(node.parent());
            int x1 = parent.centerX();
            int y1 = parent.y() + GraphLayout.NODE_HEIGHT;
            int x2 = node.centerX();
            int y2 = node.y();
            int mid = (y1 + y2) / 2;
            html.append("<path class=\"edge\" data-from=\"").append(Html.escape(parent.name())).append("\" data-to=\"")
                    .append(Html.escape(node.name())).append("\" d=\"M").append(x1).append(',').append(y1).append(" C").append(x1)
                    .append(',').append(mid).append(' ').append(x2).append(',').append(mid).append(' ').append(x2).append(',')
                    .append(y2 - 2).append("\" marker-end=\"url(#arrow)\"/>\n");
        }
        for (GraphLayout.Node node : layout.nodes()) {
            int i = index.get(node.name());
            BuildReport.Image image = images.get(i);
            boolean scanFailed = image.platforms().stream().anyMatch(p -> p.scan() != null && !p.scan().passed());
            String kind = (image.built() ? "built" : "reused") + (scanFailed ? " failed" : "");
            String platforms = String.join(" · ", image.platforms().stream().map(BuildReport.Platform::platform).toList());
            String status = (image.built() ? "built" : "reused") + " · " + Html.seconds(image.seconds()) + " · " + Html.size(image.compressedSize())
                    + (scanFailed ? " · scan failed" : "");
            String tags = image.tags().isEmpty() ? "no tags" : "tags: " + String.join(", ", image.tags());
            String title = image.name() + "\n" + status + "\n" + platforms + "\n" + tags + "\n" + (image.indexDigest() == null ? "not pushed" : image.indexDigest())
                    + (image.from() != null ? "\nfrom " + image.from() : "");
            int x = node.x();
            int y = node.y();
            html.append("<a href=\"#image-").append(i).append("\"><g class=\"node ").append(kind).append("\" data-image=\"")
                    .append(Html.escape(image.name())).append("\"><title>").append(Html.escape(title)).append("</title>")
                    .append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(GraphLayout.NODE_WIDTH)
                    .append("\" height=\"").append(GraphLayout.NODE_HEIGHT).append("\" rx=\"8\"/>")
                    .append("<clipPath id=\"clip-").append(i).append("\"><rect x=\"").append(x + 4).append("\" y=\"").append(y)
                    .append("\" width=\"").append(GraphLayout.NODE_WIDTH - 8).append("\" height=\"").append(GraphLayout.NODE_HEIGHT)
                    .append("\"/></clipPath><g clip-path=\"url(#clip-").append(i).append(")\">")
                    .append(text(x + 10, y + 18, "name", Html.cut(image.name(), 30)))
                    .append(text(x + 10, y + 35, null, Html.cut(status, 36)))
                    .append(text(x + 10, y + 51, "small", Html.cut(platforms, 40)))
                    .append(text(x + 10, y + 66, "small", Html.cut(tags, 40)))
                    .append(text(x + 10, y + 80, "small", image.indexDigest() == null ? "not pushed" : Html.shortDigest(image.indexDigest())))
                    .append("</g></g></a>\n");
        }
        html.append("</svg>\n</div>\n");
    }

    private static String text(int x, int y, String cssClass, String value) {
        return "<text x=\"" + x + "\" y=\"" + y + "\"" + (cssClass == null ? "" : " class=\"" + cssClass + "\"") + ">"
                + Html.escape(value) + "</text>";
    }

    private static void image(StringBuilder html, BuildReport.Image image, int i) {
        String kind = image.built() ? "built" : "reused";
        html.append("<section class=\"image card\" id=\"image-").append(i).append("\">\n<h2>").append(Html.escape(image.name()))
                .append(" <span class=\"badge ").append(kind).append("\">").append(kind).append("</span></h2>\n<div class=\"meta\">");
        html.append(image.repository() == null ? "" : "<code>" + Html.escape(image.repository()) + "</code>");
        if (image.parent() != null) {
            html.append(" · parent ").append(Html.escape(image.parent()));
        }
        if (image.from() != null) {
            html.append(" · from <code>").append(Html.escape(image.from())).append("</code>");
        }
        html.append("</div>\n<div class=\"tags\">Tags: ");
        if (image.tags().isEmpty()) {
            html.append("none");
        }
        image.tags().forEach(t -> html.append("<code>").append(Html.escape(t)).append("</code>"));
        html.append(" · index <code>").append(image.indexDigest() == null ? "not pushed" : Html.escape(image.indexDigest())).append("</code></div>\n");
        html.append("<table><thead><tr><th>Platform</th><th>Outcome</th><th>Why</th><th class=\"num\">Seconds</th>")
                .append("<th class=\"num\">Compressed</th><th>Digest</th><th>Attached</th><th>Scan</th></tr></thead><tbody>\n");
        for (BuildReport.Platform p : image.platforms()) {
            String outcome = label(p.status());
            String badge = p.status() == null ? "" : p.status().isBuild() ? "built" : "reused";
            html.append("<tr><td>").append(Html.escape(p.platform())).append("</td><td><span class=\"badge ").append(badge).append("\">")
                    .append(Html.escape(outcome)).append("</span></td><td>").append(Html.escape(p.reason())).append("</td><td class=\"num\">")
                    .append(Html.seconds(p.seconds())).append("</td><td class=\"num\">").append(Html.size(p.compressedSize()))
                    .append("</td><td><code>").append(p.digest() == null ? "—" : Html.escape(p.digest())).append("</code></td><td>")
                    .append(attachments(p.attachments())).append("</td><td>").append(scanBadge(p.scan())).append("</td></tr>\n");
        }
        html.append("</tbody></table>\n");
        for (BuildReport.Platform p : image.platforms()) {
            if (p.scan() != null) {
                scanOutput(html, p.platform(), p.scan());
            }
        }
        for (BuildReport.Platform p : image.platforms()) {
            if (p.layers().isEmpty()) {
                continue;
            }
            long shared = p.layers().stream().filter(l -> Boolean.TRUE.equals(l.sharedWithParent())).mapToLong(BuildReport.Layer::size).sum();
            long added = p.layers().stream().filter(l -> Boolean.FALSE.equals(l.sharedWithParent())).mapToLong(BuildReport.Layer::size).sum();
            boolean compared = p.layers().stream().anyMatch(l -> l.sharedWithParent() != null);
            html.append("<details class=\"layers\"><summary>Layers of ").append(Html.escape(p.platform())).append(": ")
                    .append(p.layers().size()).append(compared ? " (" + Html.size(shared) + " shared with the parent, " + Html.size(added)
                            + " new)" : ", " + Html.size(p.compressedSize()) + " (the base is not in this report)")
                    .append("</summary>\n<table><thead><tr><th class=\"num\">#</th><th>Digest</th>")
                    .append("<th class=\"num\">Size</th><th>Origin</th></tr></thead><tbody>\n");
            for (int n = 0; n < p.layers().size(); n++) {
                BuildReport.Layer l = p.layers().get(n);
                String origin = l.sharedWithParent() == null ? "base (not compared)" : l.sharedWithParent() ? "shared with the parent" : "new";
                html.append("<tr><td class=\"num\">").append(n + 1).append("</td><td><code>").append(Html.escape(l.digest()))
                        .append("</code></td><td class=\"num\">").append(Html.size(l.size())).append("</td><td>").append(origin).append("</td></tr>\n");
            }
            html.append("</tbody></table></details>\n");
        }
        html.append("</section>\n");
    }

    private static void promotion(StringBuilder html, BuildReport.Promotion p) {
        boolean ok = "promoted".equals(p.outcome()) || "dry-run".equals(p.outcome());
        html.append("<section class=\"promotion card\" id=\"promotion\">\n<h2>Promotion <span class=\"badge ")
                .append(ok ? "reused" : "bad").append("\">").append(Html.escape(p.outcome())).append("</span>")
                .append(p.dryRun() ? " <span class=\"badge built\">dry run</span>" : "").append("</h2>\n");
        html.append("<p>Source <code>").append(Html.escape(p.source())).append("</code> <code>").append(Html.escape(p.sourceDigest()))
                .append("</code>").append(p.platforms().isEmpty() ? "" : " (" + Html.escape(String.join(", ", p.platforms())) + ")")
                .append("</p>\n");
        if (p.error() != null) {
            html.append("<p><span class=\"badge bad\">error</span> ").append(Html.escape(p.error())).append("</p>\n");
        }
        html.append("<table><thead><tr><th>Target</th><th>Before</th><th>After</th><th>Outcome</th><th>Detail</th></tr></thead><tbody>\n");
        for (BuildReport.Target t : p.targets()) {
            html.append("<tr><td><code>").append(Html.escape(t.ref())).append("</code></td><td><code>").append(Html.escape(Html.shortDigest(t.previousDigest())))
                    .append("</code></td><td><code>").append(Html.escape(Html.shortDigest(t.digest()))).append("</code></td><td>")
                    .append(Html.escape(t.outcome())).append("</td><td>").append(Html.escape(t.detail())).append("</td></tr>\n");
        }
        html.append("</tbody></table>\n<table><tbody>\n")
                .append(row("Blobs mounted", String.valueOf(p.mounted())))
                .append(row("Blobs copied", p.copied() + " (" + Html.size(p.bytesCopied()) + ")"))
                .append(row("Blobs already there", String.valueOf(p.skipped())))
                .append(row("Guards", p.guards().isEmpty() ? "none" : String.join("; ", p.guards())))
                .append(row("Approved by", p.approver() == null ? "no approval step" : p.approver()))
                .append(row("Promoted by", p.who()));
        html.append("<tr><th>Build</th><td>").append(Html.link(p.build())).append("</td></tr>\n");
        html.append("</tbody></table>\n");
        html.append("<h3>Carried with the image</h3>\n");
        if (p.attachments().isEmpty()) {
            html.append("<p class=\"meta\">Nothing is attached to the source's manifests (no referrers, no cosign tags).</p>\n");
        } else {
            html.append("<table class=\"attachments\"><thead><tr><th>Target repository</th><th>What</th><th>Digest</th><th>About</th>")
                    .append("<th>Outcome</th></tr></thead><tbody>\n");
            for (PromotionRecord.Attachment a : p.attachments()) {
                String what = a.tag() != null ? "tag " + a.tag() : a.artifactType() == null ? "artifact" : a.artifactType();
                html.append("<tr><td><code>").append(Html.escape(a.repository())).append("</code></td><td>").append(Html.escape(what))
                        .append("</td><td><code>").append(Html.escape(a.digest())).append("</code></td><td><code>")
                        .append(Html.escape(Html.shortDigest(a.subject()))).append("</code></td><td>").append(Html.escape(a.outcome()))
                        .append("</td></tr>\n");
            }
            html.append("</tbody></table>\n");
        }
        if (!p.scans().isEmpty()) {
            html.append("<h3>Scan gate</h3>\n<table><thead><tr><th>Platform</th><th>Image</th><th>Scan</th><th class=\"num\">Seconds</th>")
                    .append("</tr></thead><tbody>\n");
            for (ScanResult r : p.scans()) {
                html.append("<tr><td>").append(Html.escape(r.platform())).append("</td><td><code>").append(Html.escape(r.image()))
                        .append("</code></td><td>").append(scanBadge(r)).append("</td><td class=\"num\">").append(Html.seconds(r.seconds()))
                        .append("</td></tr>\n");
            }
            html.append("</tbody></table>\n");
            for (ScanResult r : p.scans()) {
                scanOutput(html, r.platform(), r);
            }
        }
        html.append("</section>\n");
    }

    /** {@code sbom sha256:0123…, provenance sha256:4567…}, or a dash. */
    private static String attachments(List<BuildResult.Attachment> attachments) {
        if (attachments.isEmpty()) {
            return "—";
        }
        StringBuilder out = new StringBuilder();
        for (BuildResult.Attachment a : attachments) {
            out.append(out.length() == 0 ? "" : "<br>").append(Html.escape(a.kind())).append(" <code title=\"")
                    .append(Html.escape(a.digest())).append("\">").append(Html.escape(Html.shortDigest(a.digest()))).append("</code>");
        }
        return out.toString();
    }

    private static String scanBadge(ScanResult scan) {
        if (scan == null) {
            return "—";
        }
        return scan.passed() ? "<span class=\"badge passed\">passed</span>"
                : "<span class=\"badge bad\">failed (exit " + scan.exitCode() + ")</span>";
    }

    /** The scanner's output, folded away when it passed. */
    private static void scanOutput(StringBuilder html, String platform, ScanResult scan) {
        html.append("<details class=\"scan\"").append(scan.passed() ? "" : " open").append("><summary>Scanner output for ")
                .append(Html.escape(platform)).append(scan.sbom() ? " (given the SBOM)" : " (no SBOM)").append("</summary><pre>")
                .append(scan.output().isEmpty() ? "(no output)" : Html.escape(scan.output())).append("</pre></details>\n");
    }

    /** built, reused; to build, to reuse for a plan. */
    static String label(Status status) {
        if (status == null) {
            return "—";
        }
        return switch (status) {
            case BUILD -> "to build";
            case REUSE -> "to reuse";
            default -> status.toString();
        };
    }

    private static String row(String label, String value) {
        return "<tr><th>" + Html.escape(label) + "</th><td>" + Html.escape(value) + "</td></tr>\n";
    }
}
