package io.jenkins.plugins.grocker.entrypoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The entrypoint on busybox alone (its sh, awk and core utilities), as on a small image without Debian's
 * tools: proves the script keeps to POSIX. Needs Debian's busybox-static, which scripts/test installs.
 */
class BusyboxEntrypointTest extends EntrypointScriptTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    @Override
    List<String> shell() {
        return List.of(BUSYBOX.toString(), "sh");
    }

    /** A directory where every busybox applet has its name, and nothing else. */
    @Override
    String path() throws IOException {
        Path bin = dir.resolve("busybox-bin");
        if (!Files.isDirectory(bin)) {
            assertThat(BUSYBOX).as("busybox (apt-get install busybox-static)").isExecutable();
            Files.createDirectories(bin);
            Process list = new ProcessBuilder(BUSYBOX.toString(), "--list").start();
            for (String applet : new String(list.getInputStream().readAllBytes()).split("\n")) {
                if (!applet.isBlank()) {
                    Files.createSymbolicLink(bin.resolve(applet.strip()), BUSYBOX);
                }
            }
        }
        return bin.toString();
    }
}
