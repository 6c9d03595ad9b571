package io.jenkins.plugins.grocker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReplacesWholeFiles() throws Exception {
        Path file = dir.resolve("sub/result.json");
        AtomicFile.write(file, out -> out.write("first".getBytes(StandardCharsets.UTF_8)));
        AtomicFile.write(file, out -> out.write("second".getBytes(StandardCharsets.UTF_8)));
        assertThat(file).hasContent("second");
        assertThat(files(dir.resolve("sub"))).containsExactly("result.json");
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws Exception {
        Path file = dir.resolve("wheelhouse.json");
        Files.writeString(file, "old");
        assertThatThrownBy(() -> AtomicFile.write(file, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(file).hasContent("old");
        assertThat(files(dir)).containsExactly("wheelhouse.json");
    }

    @Test
    void copiesAFile() throws Exception {
        Path source = Files.writeString(dir.resolve("a.whl"), "wheel");
        AtomicFile.copy(source, dir.resolve("cache/a.whl"));
        assertThat(dir.resolve("cache/a.whl")).hasContent("wheel");
    }

    private static java.util.List<String> files(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
