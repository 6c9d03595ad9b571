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

    /**
     * What the entrypoint uses (the first line) and what these tests' services use, each a busybox applet,
     * and nothing else on PATH: a tool the entrypoint needed and did not list would fail the tests.
     */
    private static final List<String> APPLETS = List.of(
            "sh", "awk", "readlink", "mktemp", "mkdir", "tail", "chmod", "mv", "rm", "date", "sleep", "tr", "cat",
            "printf", "echo", "true", "id", "grep", "env");

    @Override
    String path() throws IOException {
        Path bin = dir.resolve("busybox-bin");
        if (!Files.isDirectory(bin)) {
            assertThat(BUSYBOX).as("busybox (apt-get install busybox-static)").isExecutable();
            Files.createDirectories(bin);
            for (String applet : APPLETS) {
                Files.createSymbolicLink(bin.resolve(applet), BUSYBOX);
            }
        }
        return bin.toString();
    }
}
