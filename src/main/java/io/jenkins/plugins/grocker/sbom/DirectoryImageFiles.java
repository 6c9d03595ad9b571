package io.jenkins.plugins.grocker.sbom;

import io.jenkins.plugins.grocker.docker.ImageFiles;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * {@link ImageFiles} over a root filesystem on disk (an unpacked image, a debootstrap tree): tars a path the way
 * the Docker Engine's archive API does, entries named from the path's last segment, symbolic links kept as links
 * and never followed (so nothing outside the root is read). Each archive is written to a temporary file that is
 * removed when the stream is closed. Thread-safe.
 */
public final class DirectoryImageFiles implements ImageFiles {
    private final Path root;

    public DirectoryImageFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public Optional<InputStream> archive(String path) throws IOException {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("not an absolute path: " + path);
        }
        Path target = root.resolve(path.substring(1)).normalize();
        if (!target.startsWith(root) || !Files.exists(target, LinkOption.NOFOLLOW_LINKS) || target.equals(root)) {
            return Optional.empty();
        }
        Path base = target.getParent();
        Path tar = Files.createTempFile("grocker-image-files-", ".tar");
        try (OutputStream out = Files.newOutputStream(tar);
                TarArchiveOutputStream archive = new TarArchiveOutputStream(out)) {
            archive.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            archive.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            List<Path> paths;
            try (Stream<Path> walk = Files.walk(target)) { // does not follow links
                paths = walk.sorted().toList();
            }
            for (Path p : paths) {
                String name = base.relativize(p).toString().replace('\\', '/');
                BasicFileAttributes attributes = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                TarArchiveEntry entry;
                if (attributes.isSymbolicLink()) {
                    entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    entry.setLinkName(Files.readSymbolicLink(p).toString());
                } else if (attributes.isDirectory()) {
                    entry = new TarArchiveEntry(name + "/");
                } else if (attributes.isRegularFile()) {
                    entry = new TarArchiveEntry(name);
                    entry.setSize(attributes.size());
                } else {
                    continue; // devices, sockets, fifos
                }
                entry.setModTime(attributes.lastModifiedTime().toMillis());
                archive.putArchiveEntry(entry);
                if (attributes.isRegularFile() && !attributes.isSymbolicLink()) {
                    Files.copy(p, archive);
                }
                archive.closeArchiveEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tar);
            throw e;
        }
        return Optional.of(new FilterInputStream(Files.newInputStream(tar)) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    Files.deleteIfExists(tar);
                }
            }
        });
    }
}
