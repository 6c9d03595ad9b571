package io.jenkins.plugins.grocker.sbom;

import io.jenkins.plugins.grocker.docker.ImageFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads what an image holds from its files ({@link ImageFiles}), without running anything in it and without a
 * network: {@code os-release}, dpkg's status database ({@code /var/lib/dpkg/status} and the per-package files of
 * {@code /var/lib/dpkg/status.d/}), and the metadata of every Python distribution in a {@code site-packages} or
 * {@code dist-packages} directory under the Python roots ({@code NAME.dist-info/METADATA},
 * {@code NAME.egg-info/PKG-INFO}, or a {@code NAME.egg-info} file).
 *
 * <p>A Python root's archive streams the whole tree; only metadata entries are kept in memory (each at most
 * 1 MiB). A distribution found in several places (a venv and the system) is one entry with several locations.
 * Stateless and thread-safe.
 */
public final class ImageContentsReader {
    /** Where Debian and pip put distributions outside a virtual environment. */
    public static final List<String> DEFAULT_PYTHON_ROOTS = List.of("/usr/lib/python3/dist-packages", "/usr/local/lib");
    static final List<String> OS_RELEASE = List.of("/usr/lib/os-release", "/etc/os-release");
    static final String DPKG_STATUS = "/var/lib/dpkg/status";
    static final String DPKG_STATUS_D = "/var/lib/dpkg/status.d";
    private static final int MAX_METADATA = 1 << 20;
    private static final Pattern METADATA = Pattern.compile(
            "(?:^|.*/)((site-packages|dist-packages)/([^/]+\\.dist-info/METADATA|[^/]+\\.egg-info/PKG-INFO|[^/]+\\.egg-info))");

    private ImageContentsReader() {}

    /**
     * Everything installed in the image.
     *
     * @param pythonRoots directories to look for Python distributions in, e.g. {@link #DEFAULT_PYTHON_ROOTS} plus
     *     an image's virtual environment ({@code /opt/venv})
     */
    public static ImageContents read(ImageFiles files, List<String> pythonRoots) throws IOException {
        OsRelease os = OsRelease.UNKNOWN_DEBIAN;
        for (String path : OS_RELEASE) {
            Map<String, String> found = regularFiles(files, path, name -> true);
            if (!found.isEmpty()) {
                os = OsRelease.parse(found.values().iterator().next());
                break;
            }
        }
        List<DebianPackage> debs = new ArrayList<>();
        for (String text : regularFiles(files, DPKG_STATUS, name -> true).values()) {
            debs.addAll(DpkgStatus.parse(text));
        }
        for (String text : regularFiles(files, DPKG_STATUS_D, name -> !name.endsWith(".md5sums")).values()) {
            debs.addAll(DpkgStatus.parse(text));
        }
        Map<String, PythonDistribution> pythons = new LinkedHashMap<>();
        for (String root : pythonRoots) {
            String parent = parentOf(root);
            Map<String, String> metadata = regularFiles(files, root, name -> METADATA.matcher(name).matches());
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                String location = parent + e.getKey().replaceFirst("/(METADATA|PKG-INFO)$", "");
                Optional<PythonDistribution> found = PythonMetadata.parse(e.getValue(), location);
                if (found.isEmpty()) {
                    continue;
                }
                PythonDistribution d = found.get();
                pythons.merge(d.purl(), d, (a, b) -> {
                    List<String> locations = new ArrayList<>(a.locations());
                    b.locations().stream().filter(l -> !locations.contains(l)).forEach(locations::add);
                    return new PythonDistribution(a.name(), a.version(), a.summary(), a.license(), a.licenseIsExpression(), locations);
                });
            }
        }
        return new ImageContents(os, debs, new ArrayList<>(pythons.values()));
    }

    private static String parentOf(String path) {
        String trimmed = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        int slash = trimmed.lastIndexOf('/');
        return slash <= 0 ? "/" : trimmed.substring(0, slash + 1);
    }

    /** Entry name → text of the regular files of {@code path}'s archive whose entry names pass {@code wanted}. */
    private static Map<String, String> regularFiles(ImageFiles files, String path, java.util.function.Predicate<String> wanted)
            throws IOException {
        Map<String, String> found = new LinkedHashMap<>();
        Optional<InputStream> archive = files.archive(path);
        if (archive.isEmpty()) {
            return found;
        }
        try (InputStream in = archive.get(); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                if (!entry.isFile() || !wanted.test(name)) {
                    continue;
                }
                byte[] bytes = tar.readNBytes(MAX_METADATA);
                found.put(name, new String(bytes, StandardCharsets.UTF_8));
            }
        }
        return found;
    }
}
