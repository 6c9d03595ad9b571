package io.jenkins.plugins.grocker.build;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Which of the tools the spec fields run ({@code apt-get}, {@code useradd}, {@code python3}) a root filesystem tar
 * holds, read from its entry names once per tar. Thread-safe.
 */
final class RootfsTools {
    static final String APT_GET = "usr/bin/apt-get";
    static final String USERADD = "usr/sbin/useradd";
    static final String PYTHON3 = "usr/bin/python3";
    private static final Set<String> WANTED = Set.of(APT_GET, USERADD, PYTHON3);

    private final Map<Path, Set<String>> seen = new ConcurrentHashMap<>();

    Set<String> of(Path tar) throws IOException {
        Set<String> known = seen.get(tar);
        if (known != null) {
            return known;
        }
        Set<String> found = new HashSet<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tar), 1 << 16))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                String name = e.getName();
                while (name.startsWith("./") || name.startsWith("/")) {
                    name = name.substring(name.startsWith("./") ? 2 : 1);
                }
                String usr = name.startsWith("bin/") || name.startsWith("sbin/") ? "usr/" + name : name;
                if (WANTED.contains(usr)) {
                    found.add(usr);
                }
            }
        }
        seen.put(tar, Set.copyOf(found));
        return seen.get(tar);
    }
}
