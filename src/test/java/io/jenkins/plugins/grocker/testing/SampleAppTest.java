package io.jenkins.plugins.grocker.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample application's sdists and the authenticated index, without Python: no pip, no network beyond loopback. */
class SampleAppTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void sdistsAreNamedPerPep625WithOneTopDirectoryAndPkgInfo() throws Exception {
        List<Path> sdists = SampleApp.sdists(dir.resolve("dist"));
        assertThat(sdists).extracting(p -> p.getFileName().toString()).containsExactly(
                "grocker_sample-1.0.0.tar.gz", "grocker_sample-1.1.0.tar.gz", "grocker_sample_helper-1.0.0.tar.gz",
                "grocker_sample_web-1.0.0.tar.gz");
        try (Stream<Path> listed = Files.list(dir.resolve("dist"))) {
            assertThat(listed.toList()).containsExactlyInAnyOrderElementsOf(sdists); // no partial files left
        }
        for (int i = 0; i < sdists.size(); i++) {
            SampleApp.Project project = SampleApp.PROJECTS.get(i);
            String top = SampleApp.sdistBase(project.name(), project.version()) + "/";
            Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
            Map<String, String> texts = read(sdists.get(i), entries);
            assertThat(entries.keySet()).allMatch(name -> name.startsWith(top));
            assertThat(new ArrayList<>(entries.keySet())).isSorted();
            assertThat(entries.values()).allSatisfy(e -> {
                assertThat(e.getModTime().getTime()).isEqualTo(SampleApp.MTIME_SECONDS * 1000);
                assertThat(e.getLongUserId()).isZero();
                assertThat(e.getLongGroupId()).isZero();
                assertThat(e.getMode() & 0777).isEqualTo(e.isDirectory() ? 0755 : 0644);
            });
            assertThat(texts.get(top + "PKG-INFO")).isEqualTo(
                    "Metadata-Version: 2.1\nName: " + project.name() + "\nVersion: " + project.version() + "\n");
            assertThat(texts.get(top + "pyproject.toml"))
                    .contains("requires = [\"setuptools>=61\", \"wheel\"]")
                    .contains("name = \"" + project.name() + "\"")
                    .contains("version = \"" + project.version() + "\"");
            assertThat(texts.keySet()).noneMatch(name -> name.contains("__pycache__") || name.endsWith(".pyc") || name.endsWith(".so"));
        }
        Map<String, String> app = read(sdists.get(0), new LinkedHashMap<>());
        assertThat(app).containsKeys("grocker_sample-1.0.0/setup.py", "grocker_sample-1.0.0/grocker_sample/_fastmath.c",
                "grocker_sample-1.0.0/grocker_sample/__main__.py", "grocker_sample-1.0.0/grocker_sample/cli.py");
        assertThat(app.get("grocker_sample-1.0.0/pyproject.toml"))
                .contains("dependencies = [\"grocker-sample-helper>=1.0\"]")
                .contains("web = [\"grocker-sample-web>=1.0\"]")
                .contains("grocker-sample = \"grocker_sample.cli:main\"");
        assertThat(app.get("grocker_sample-1.0.0/grocker_sample/__init__.py")).contains("__version__ = \"1.0.0\"");
        assertThat(read(sdists.get(1), new LinkedHashMap<>()).get("grocker_sample-1.1.0/grocker_sample/__init__.py"))
                .contains("__version__ = \"1.1.0\"");
        assertThat(read(sdists.get(3), new LinkedHashMap<>())).containsKeys("grocker_sample_web-1.0.0/grocker_sample_web/worker.py",
                "grocker_sample_web-1.0.0/grocker_sample_web/scheduler.py", "grocker_sample_web-1.0.0/grocker_sample_web/serve.py");
    }

    @Test
    void theTwoAppVersionsDifferOnlyInTheirVersion() throws Exception {
        Map<String, String> v1 = strip(read(SampleApp.sdist(SampleApp.APP, SampleApp.V1, dir), new LinkedHashMap<>()), "1.0.0");
        Map<String, String> v2 = strip(read(SampleApp.sdist(SampleApp.APP, SampleApp.V2, dir), new LinkedHashMap<>()), "1.1.0");
        assertThat(v2).isEqualTo(v1);
    }

    @Test
    void sdistsAreReproducible() throws Exception {
        byte[] first = Files.readAllBytes(SampleApp.sdist(SampleApp.APP, SampleApp.V1, dir.resolve("a")));
        byte[] second = Files.readAllBytes(SampleApp.sdist(SampleApp.APP, SampleApp.V1, dir.resolve("b")));
        assertThat(second).isEqualTo(first);
    }

    @Test
    void sourceTreeIsACopy() throws Exception {
        Path tree = SampleApp.sourceTree(SampleApp.APP, SampleApp.V2, dir);
        assertThat(tree).isEqualTo(dir.resolve("grocker-sample-1.1.0"));
        assertThat(tree.resolve("setup.py")).isRegularFile();
        assertThat(tree.resolve("grocker_sample/_fastmath.c")).isRegularFile();
        assertThat(Files.readString(tree.resolve("grocker_sample/__init__.py"))).contains("1.1.0");
        Files.writeString(tree.resolve("scratch.txt"), "changed");
        assertThat(SampleApp.sourceTree(SampleApp.APP, SampleApp.V2, dir).resolve("scratch.txt")).doesNotExist();
        assertThat(SampleApp.resourceTree(SampleApp.APP, SampleApp.V2).resolve("scratch.txt")).doesNotExist();
    }

    @Test
    void expectedLines() {
        assertThat(SampleApp.LINE_V1)
                .isEqualTo("grocker-sample 1.0.0: sum_of_squares(1000)=332833500 (332,833,500 described by grocker-sample-helper 1.0.0)");
        assertThat(SampleApp.LINE_V2)
                .isEqualTo("grocker-sample 1.1.0: sum_of_squares(1000)=332833500 (332,833,500 described by grocker-sample-helper 1.0.0)");
        long sum = 0;
        for (long i = 0; i < 1000; i++) {
            sum += i * i;
        }
        assertThat(sum).isEqualTo(SampleApp.SUM_OF_SQUARES_1000);
        assertThat(SampleApp.expectedWebResponse("1.1.0")).isEqualTo("grocker-sample web 1.1.0");
    }

    @Test
    void indexRequiresBasicAuthAndServesPep503Pages() throws Exception {
        List<Path> sdists = SampleApp.sdists(dir);
        try (AuthenticatedIndex index = new AuthenticatedIndex("grocker", "s3cret")) {
            for (int i = 0; i < sdists.size(); i++) {
                index.add(sdists.get(i), SampleApp.PROJECTS.get(i).name());
            }
            assertThat(index.url()).isEqualTo("http://127.0.0.1:" + index.port() + "/simple");

            HttpResponse<String> anonymous = get(index.url() + "/", null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"grocker-test\"");
            assertThat(get(index.url() + "/", basic("grocker", "wrong")).statusCode()).isEqualTo(401);
            assertThat(get(index.url() + "/", basic("other", "s3cret")).statusCode()).isEqualTo(401);
            assertThat(get(index.url() + "/grocker-sample/", null).statusCode()).isEqualTo(401);
            String fileUrl = "http://" + index.host() + "/files/grocker_sample-1.0.0.tar.gz";
            assertThat(get(fileUrl, null).statusCode()).isEqualTo(401);
            assertThat(index.unauthorizedPaths()).containsExactly("/simple/", "/simple/", "/simple/", "/simple/grocker-sample/",
                    "/files/grocker_sample-1.0.0.tar.gz");

            String auth = basic("grocker", "s3cret");
            HttpResponse<String> root = get(index.url() + "/", auth);
            assertThat(root.statusCode()).isEqualTo(200);
            assertThat(root.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(links(root.body())).containsExactly("/simple/grocker-sample/", "/simple/grocker-sample-helper/",
                    "/simple/grocker-sample-web/");
            assertThat(get(index.url(), auth).statusCode()).isEqualTo(200);

            HttpResponse<String> app = get(index.url() + "/grocker-sample/", auth);
            assertThat(app.statusCode()).isEqualTo(200);
            assertThat(links(app.body())).containsExactly(
                    "/files/grocker_sample-1.0.0.tar.gz#sha256=" + sha256(sdists.get(0)),
                    "/files/grocker_sample-1.1.0.tar.gz#sha256=" + sha256(sdists.get(1)));
            // non-normalized names reach the same page
            assertThat(get(index.url() + "/Grocker_Sample.Web/", auth).body()).contains("grocker_sample_web-1.0.0.tar.gz#sha256=");
            assertThat(get(index.url() + "/nothing-here/", auth).statusCode()).isEqualTo(404);

            HttpResponse<byte[]> file = HTTP.send(request(fileUrl, auth), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(file.statusCode()).isEqualTo(200);
            assertThat(file.body()).isEqualTo(Files.readAllBytes(sdists.get(0)));
            assertThat(get("http://" + index.host() + "/files/missing.tar.gz", auth).statusCode()).isEqualTo(404);

            assertThat(index.requests()).isEqualTo(12);
            assertThat(index.unauthorizedPaths()).hasSize(5);
            assertThat(index.log()).filteredOn(r -> r.status() == 200).extracting(AuthenticatedIndex.Request::user).containsOnly("grocker");
            assertThat(index.servedPaths()).contains("/simple/", "/simple", "/simple/grocker-sample/", "/files/grocker_sample-1.0.0.tar.gz");
        }
    }

    @Test
    void indexServesConcurrentRequests() throws Exception {
        Path sdist = SampleApp.sdist(SampleApp.HELPER, SampleApp.HELPER_VERSION, dir);
        try (AuthenticatedIndex index = new AuthenticatedIndex("u", "p")) {
            index.add(sdist, SampleApp.HELPER);
            List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                futures.add(HTTP.sendAsync(request(index.url() + "/grocker-sample-helper/", i % 2 == 0 ? basic("u", "p") : null),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get().statusCode()).isEqualTo(i % 2 == 0 ? 200 : 401);
            }
            assertThat(index.requests()).isEqualTo(40);
            assertThat(index.unauthorizedPaths()).hasSize(20);
            assertThat(index.log()).hasSize(40);
        }
    }

    private static Map<String, String> strip(Map<String, String> entries, String version) {
        Map<String, String> result = new LinkedHashMap<>();
        entries.forEach((k, v) -> result.put(k.replace(version, "V"), v.replace(version, "V")));
        return result;
    }

    /** The entries of a .tar.gz (into {@code entries}) and the contents of its files, as text. */
    private static Map<String, String> read(Path tarGz, Map<String, TarArchiveEntry> entries) throws IOException {
        Map<String, String> texts = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(tarGz);
                TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                entries.put(entry.getName(), entry);
                if (entry.isFile()) {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    tar.transferTo(bytes);
                    texts.put(entry.getName(), bytes.toString(StandardCharsets.UTF_8));
                }
            }
        }
        return texts;
    }

    private static List<String> links(String html) {
        List<String> result = new ArrayList<>();
        Matcher m = Pattern.compile("href=\"([^\"]+)\"").matcher(html);
        while (m.find()) {
            result.add(m.group(1));
        }
        return result;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpRequest request(String url, String authorization) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).GET();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder.build();
    }

    private static HttpResponse<String> get(String url, String authorization) throws Exception {
        return HTTP.send(request(url, authorization), HttpResponse.BodyHandlers.ofString());
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
