package io.jenkins.plugins.grocker.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The sample application of the tests, kept as setuptools source trees under {@code src/test/resources/sampleapp/}
 * (one tree per project and version, {@code <project>-<version>/}):
 * <ul>
 * <li>{@value #APP} 1.0.0 and 1.1.0 (module {@code grocker_sample}): a C extension {@code grocker_sample._fastmath},
 * the console script {@value #APP} (also {@code python -m grocker_sample}) printing {@link #expectedLine(String)},
 * a dependency {@code grocker-sample-helper>=1.0} and an extra {@code [web]} requiring {@value #WEB};</li>
 * <li>{@value #HELPER} 1.0.0 (pure Python, module {@code grocker_sample_helper});</li>
 * <li>{@value #WEB} 1.0.0 (pure Python, module {@code grocker_sample_web}): the WSGI callable
 * {@code grocker_sample_web:app} answering {@link #expectedWebResponse(String)}, {@code python -m
 * grocker_sample_web.worker} / {@code .scheduler} printing {@value #WORKER_LINE} / {@value #SCHEDULER_LINE}, and
 * {@code python -m grocker_sample_web.serve --bind HOST:PORT} serving the app with wsgiref (no gunicorn needed).</li>
 * </ul>
 * Every project builds with {@code setuptools>=61} and {@code wheel} (Debian bookworm's 66.1.1 and 0.38.4 from
 * {@code /usr/share/python-wheels} do). The sdists are made here, in Java, without network and without running
 * any Python: deterministic gzip'd tarballs named per PEP 625.
 */
public final class SampleApp {
    public static final String APP = "grocker-sample";
    public static final String HELPER = "grocker-sample-helper";
    public static final String WEB = "grocker-sample-web";
    public static final String V1 = "1.0.0";
    public static final String V2 = "1.1.0";
    /** The helper's and the web package's only version. */
    public static final String HELPER_VERSION = "1.0.0";
    public static final String WEB_VERSION = "1.0.0";
    /** What {@code sum_of_squares(1000)} returns. */
    public static final long SUM_OF_SQUARES_1000 = 332833500L;
    /** {@code grocker-sample 1.0.0: sum_of_squares(1000)=332833500 (332,833,500 described by grocker-sample-helper 1.0.0)} */
    public static final String LINE_V1 = expectedLine(V1);
    /** {@code grocker-sample 1.1.0: sum_of_squares(1000)=332833500 (332,833,500 described by grocker-sample-helper 1.0.0)} */
    public static final String LINE_V2 = expectedLine(V2);
    public static final String WORKER_LINE = "worker ok";
    public static final String SCHEDULER_LINE = "scheduler ok";
    /** Every (project, version) that has a source tree. */
    public static final List<Project> PROJECTS = List.of(
            new Project(APP, V1), new Project(APP, V2), new Project(HELPER, HELPER_VERSION), new Project(WEB, WEB_VERSION));

    /**
     * The entries' modification time in the sdists (2024-01-01T00:00:00Z). Not 0: wheel builds keep the files'
     * mtimes and a zip cannot hold a time before 1980.
     */
    public static final long MTIME_SECONDS = 1704067200L;

    /** One source tree: a project at a version. */
    public record Project(String name, String version) {
        /** The PEP 625 sdist file name, e.g. {@code grocker_sample-1.0.0.tar.gz}. */
        public String sdistName() {
            return sdistBase(name, version) + ".tar.gz";
        }
    }

    private SampleApp() {}

    /** The one line {@code grocker-sample} (or {@code python -m grocker_sample}) prints at {@code version}. */
    public static String expectedLine(String version) {
        return "grocker-sample " + version + ": sum_of_squares(1000)=" + SUM_OF_SQUARES_1000
                + " (332,833,500 described by grocker-sample-helper " + HELPER_VERSION + ")";
    }

    /** The body (without its trailing newline) of any response of {@code grocker_sample_web:app} next to grocker-sample {@code appVersion}. */
    public static String expectedWebResponse(String appVersion) {
        return "grocker-sample web " + appVersion;
    }

    /** PEP 503 normalized name: {@code Grocker_Sample.Web} becomes {@code grocker-sample-web}. */
    public static String normalize(String project) {
        return project.replaceAll("[-_.]+", "-").toLowerCase(Locale.ROOT);
    }

    /** {@code <normalized name with underscores>-<version>} (PEP 625), the sdist's file name without extension and its top directory. */
    public static String sdistBase(String project, String version) {
        return project.replaceAll("[-_.]+", "_").toLowerCase(Locale.ROOT) + "-" + version;
    }

    /** The source tree in the test resources (read it, do not change it; {@link #sourceTree} gives a copy). */
    public static Path resourceTree(String project, String version) {
        String name = "/sampleapp/" + project + "-" + version;
        URL url = SampleApp.class.getResource(name);
        Path tree;
        if (url != null && url.getProtocol().equals("file")) {
            try {
                tree = Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        } else {
            tree = Path.of("src/test/resources" + name).toAbsolutePath();
        }
        if (!Files.isRegularFile(tree.resolve("pyproject.toml"))) {
            throw new IllegalArgumentException("no sample source tree " + project + "-" + version + " (looked at " + tree + ")");
        }
        return tree;
    }

    /** A copy of the source tree in a new temporary directory, for "local source directory" builds. */
    public static Path sourceTree(String project, String version) throws IOException {
        return sourceTree(project, version, Files.createTempDirectory("grocker-sampleapp-"));
    }

    /** A copy of the source tree at {@code outDir/<project>-<version>} (replaced if present); returns that directory. */
    public static Path sourceTree(String project, String version, Path outDir) throws IOException {
        Path source = resourceTree(project, version);
        Path target = outDir.resolve(project + "-" + version);
        if (Files.exists(target)) {
            try (Stream<Path> walk = Files.walk(target)) {
                for (Path p : walk.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(target);
        for (String relative : files(source)) {
            Path to = target.resolve(relative);
            Files.createDirectories(to.getParent());
            Files.copy(source.resolve(relative), to, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /**
     * Writes the sdist {@code outDir/<name>-<version>.tar.gz} (PEP 625 name) and returns it. One top directory of
     * the same name holds the sources and a {@code PKG-INFO}; entries are sorted, owned by 0:0 with no user
     * names, dated {@link #MTIME_SECONDS}, files 0644 and directories 0755: the same tree gives the same bytes.
     */
    public static Path sdist(String project, String version, Path outDir) throws IOException {
        Path source = resourceTree(project, version);
        String base = sdistBase(project, version);
        Files.createDirectories(outDir);
        Path file = outDir.resolve(base + ".tar.gz");
        // not createTempFile: that would make the sdist 0600
        Path tmp = outDir.resolve(base + ".tar.gz.part-" + UUID.randomUUID());
        try {
            writeSdist(tmp, source, base, project, version);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    private static void writeSdist(Path to, Path source, String base, String project, String version) throws IOException {
        List<String> entries = new ArrayList<>(files(source));
        entries.add("PKG-INFO");
        entries.sort(null);
        List<String> directories = new ArrayList<>();
        try (OutputStream raw = Files.newOutputStream(to);
                GZIPOutputStream gzip = new GZIPOutputStream(raw);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            directory(tar, base + "/", directories);
            for (String relative : entries) {
                int slash = relative.lastIndexOf('/');
                if (slash > 0) {
                    // parent directories first (entries are sorted, so each is written once, before its files)
                    StringBuilder dir = new StringBuilder(base).append('/');
                    for (String part : relative.substring(0, slash).split("/")) {
                        dir.append(part).append('/');
                        directory(tar, dir.toString(), directories);
                    }
                }
                byte[] bytes = relative.equals("PKG-INFO") ? pkgInfo(project, version) : Files.readAllBytes(source.resolve(relative));
                TarArchiveEntry entry = new TarArchiveEntry(base + "/" + relative);
                entry.setSize(bytes.length);
                entry.setMode(0100644);
                stamp(entry);
                tar.putArchiveEntry(entry);
                tar.write(bytes);
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
    }

    /** The sdists of all {@link #PROJECTS} in {@code outDir}. */
    public static List<Path> sdists(Path outDir) throws IOException {
        List<Path> result = new ArrayList<>();
        for (Project p : PROJECTS) {
            result.add(sdist(p.name(), p.version(), outDir));
        }
        return result;
    }

    /** The minimal core metadata of the sdist. */
    static byte[] pkgInfo(String project, String version) {
        return ("Metadata-Version: 2.1\nName: " + project + "\nVersion: " + version + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void directory(TarArchiveOutputStream tar, String name, List<String> written) throws IOException {
        if (written.contains(name)) {
            return;
        }
        written.add(name);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(040755);
        stamp(entry);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private static void stamp(TarArchiveEntry entry) {
        entry.setModTime(MTIME_SECONDS * 1000);
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("");
        entry.setGroupName("");
    }

    /** The tree's files as sorted relative paths with '/', leaving out build leftovers (caches, build/, egg-info, objects). */
    private static List<String> files(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(SampleApp::isSource)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isSource(String relative) {
        for (String part : relative.split("/")) {
            if (part.equals("__pycache__") || part.equals("build") || part.equals("dist") || part.endsWith(".egg-info")) {
                return false;
            }
        }
        return !(relative.endsWith(".pyc") || relative.endsWith(".so") || relative.endsWith(".o") || relative.endsWith(".pyd"));
    }
}
