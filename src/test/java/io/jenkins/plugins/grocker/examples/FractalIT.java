package io.jenkins.plugins.grocker.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.grocker.image.ImageReference;
import io.jenkins.plugins.grocker.testing.DockerCli;
import io.jenkins.plugins.grocker.testing.PackageIndex;
import io.jenkins.plugins.grocker.testing.TestEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/fractal: the scientific stack from Debian, Streamlit from the configured index (here a stand-in served by
 * the test, since Streamlit is in no index these machines reach), one repository holding the development and
 * production variants, which share the common image's layers. The production variant serves the default application
 * on 8501 and passes its health check, as a non-root user with /app/logs as a volume.
 */
class FractalIT {
    /** The stand-in: runs the app with a recording {@code st} module, then serves what it showed and a health URL. */
    private static final String STREAMLIT_INIT = """
            \"\"\"Stand-in for Streamlit in tests: the app's calls are recorded and served as a page.\"\"\"
            import io

            shown = []


            def title(text):
                shown.append("title: %s" % text)


            def write(*args, **kwargs):
                shown.append(" ".join(str(a) for a in args))


            markdown = write


            def slider(label, min_value=None, max_value=None, value=None, **kwargs):
                return value if value is not None else min_value


            def pyplot(figure, **kwargs):
                buffer = io.BytesIO()
                figure.savefig(buffer, format="png")
                shown.append("figure: %d bytes of png" % len(buffer.getvalue()))


            def __getattr__(name):
                return lambda *args, **kwargs: None
            """;
    private static final String STREAMLIT_CLI = """
            import html
            import os
            import runpy
            import sys
            from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

            import streamlit


            def main():
                if len(sys.argv) < 3 or sys.argv[1] != "run":
                    print("usage: streamlit run FILE", file=sys.stderr)
                    return 2
                runpy.run_path(sys.argv[2], run_name="__main__")
                page = "<html><body>" + "".join("<p>%s</p>" % html.escape(s) for s in streamlit.shown) + "</body></html>"

                class Handler(BaseHTTPRequestHandler):
                    def do_GET(self):
                        body = b"ok" if self.path == "/_stcore/health" else page.encode()
                        self.send_response(200)
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)

                port = int(os.environ.get("STREAMLIT_SERVER_PORT", "8501"))
                address = os.environ.get("STREAMLIT_SERVER_ADDRESS", "0.0.0.0")
                print("streamlit stand-in: %s on %s:%d headless=%s" % (sys.argv[2], address, port,
                      os.environ.get("STREAMLIT_SERVER_HEADLESS", "false")), flush=True)
                ThreadingHTTPServer((address, port), Handler).serve_forever()
            """;

    @TempDir
    Path dir;

    @Test
    void variantsShareTheStackAndProductionServesTheAppWithItsHealthCheck() throws Exception {
        TestEnvironment t = TestEnvironment.get();
        try (PackageIndex index = new PackageIndex(); DockerCli docker = new DockerCli()) {
            index.addWheel("streamlit", "1.40.0", Map.of(
                    "streamlit/__init__.py", STREAMLIT_INIT,
                    "streamlit/cli.py", STREAMLIT_CLI,
                    "NAME.dist-info/entry_points.txt", "[console_scripts]\nstreamlit = streamlit.cli:main\n"));
            Map<String, String> env = Map.of("FRACTAL_INDEX_URL", index.url());
            Path spec = t.root.resolve("examples/fractal/fractal.yaml");
            String repo = t.registry.host() + "/fractal-app";

            TestEnvironment.Cli plan = t.cli(env, "plan", "--spec", spec.toString(), "--platform", "linux/amd64");
            assertThat(plan.code()).as(plan.err() + plan.out()).isZero();
            assertThat(plan.out()).contains("level 0: fractal-app\n", "level 1: fractal-app:dev, fractal-app:prod\n",
                    "fractal-app:dev linux/amd64: ", "fractal-app:prod linux/amd64: ");

            long start = System.nanoTime();
            Path json = dir.resolve("fractal.json");
            TestEnvironment.Cli build = t.cli(env, "base", "--spec", spec.toString(), "--platform", "linux/amd64",
                    "--output-json", json.toString());
            assertThat(build.code()).as(build.err() + build.out()).isZero();
            System.out.printf("FractalIT: built in %.0f s%n", (System.nanoTime() - start) / 1e9);
            assertThat(build.out()).contains("tagged " + repo + ":1.0.0-dev", "tagged " + repo + ":development",
                    "tagged " + repo + ":1.0.0-prod", "tagged " + repo + ":production", "tagged " + repo + ":latest-prod")
                    .doesNotContain("tagged " + repo + ":1.0.0\n");

            // One repository; both variants start with every layer of the common image.
            JsonNode images = new ObjectMapper().readTree(json.toFile()).get("images");
            String common = null;
            for (JsonNode image : images) {
                assertThat(image.get("repository").asText()).isEqualTo(repo);
                if (image.get("name").asText().equals("fractal-app")) {
                    common = image.get("platforms").get(0).get("imageId").asText();
                }
            }
            String commonLayers = docker.inspect(common, "{{json .RootFS.Layers}}");
            for (String variant : new String[] {"1.0.0-dev", "1.0.0-prod"}) {
                docker.run("pull", repo + ":" + variant);
                String layers = docker.inspect(repo + ":" + variant, "{{json .RootFS.Layers}}");
                assertThat(layers).startsWith(commonLayers.substring(0, commonLayers.length() - 1));
            }
            assertThat(t.registryClient.head(ImageReference.parse(repo + ":production")).orElseThrow().digest())
                    .isEqualTo(t.registryClient.head(ImageReference.parse(repo + ":1.0.0-prod")).orElseThrow().digest());

            String prod = repo + ":1.0.0-prod";
            DockerCli.Result stack = docker.run("run", "--rm", prod, "python", "-c", "import numpy, scipy, matplotlib, pandas, PIL, "
                    + "plotly, numba, imageio, ipykernel, ipywidgets, nbformat, streamlit, sys; print('stack-ok', sys.prefix)");
            assertThat(stack.code()).as(stack.output()).isZero();
            assertThat(stack.output()).contains("stack-ok /opt/venv");
            DockerCli.Result layout = docker.run("run", "--rm", prod, "sh", "-c",
                    "id -un; pwd; stat -c '%U %a' /app/apps/branching_tree.py /app/logs /app/requirements.txt; "
                            + "echo headless=$STREAMLIT_SERVER_HEADLESS numba=$NUMBA_CACHE_DIR; command -v jupyter || echo no-jupyter");
            assertThat(layout.output()).contains("appuser\n", "/app\n", "appuser 755\n", "root 644\n", "headless=true numba=/tmp/numba_cache",
                    "no-jupyter");
            assertThat(docker.inspect(prod, "{{json .Config.Volumes}}")).contains("/app/logs");
            assertThat(docker.inspect(prod, "{{json .Config.ExposedPorts}}")).contains("8501/tcp");

            String app = docker.start(prod);
            String health = docker.await(app, "{{.State.Health.Status}}", "healthy"::equals, Duration.ofSeconds(120));
            assertThat(health).as(docker.logs(app)).isEqualTo("healthy");
            DockerCli.Result page = docker.run("exec", app, "curl", "-fsS", "http://127.0.0.1:8501/");
            assertThat(page.output()).contains("title: Branching tree", "1023 branches", "figure: ");
            assertThat(docker.logs(app)).contains("streamlit stand-in: apps/branching_tree.py on 0.0.0.0:8501 headless=true");

            DockerCli.Result dev = docker.run("run", "--rm", repo + ":development", "sh", "-c",
                    "jupyter notebook --version && echo headless=${STREAMLIT_SERVER_HEADLESS:-unset}");
            assertThat(dev.code()).as(dev.output()).isZero();
            assertThat(dev.output()).contains("6.4", "headless=unset");
            assertThat(docker.inspect(repo + ":development", "{{json .Config.Cmd}}")).contains("jupyter", "notebook");
        }
    }
}
