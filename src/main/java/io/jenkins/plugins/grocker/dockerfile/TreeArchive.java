package io.jenkins.plugins.grocker.dockerfile;

import io.jenkins.plugins.grocker.spec.FileSpec;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * Turns a directory or a tar archive named by a spec's {@code files} into one plain tar that the build {@code ADD}s
 * (the classic builder unpacks it at the destination, keeping the owners and modes written here): every entry
 * owned by the entry's owner ({@code uid:gid}, root when none), modes set as the spec says, entries sorted. A
 * directory's files get time 0, so a fresh checkout gives the same tar and the same cache key; an archive keeps its
 * own times. Symbolic links are kept as links (never followed: a link cannot bring a host file in); entries that
 * would leave the destination ({@code ..}), devices and FIFOs are refused. Tars are made once per source and owner
 * and kept in temporary files for the life of the JVM. Thread-safe.
 */
final class TreeArchive {
    private final Map<FileSpec, Path> made = new ConcurrentHashMap<>();

    /** The tar for {@code spec} (a directory or an archive). */
    Path tar(FileSpec spec) {
        return made.computeIfAbsent(spec, s -> {
            try {
                Path tar = Files.createTempFile("grocker-files-", ".tar");
                tar.toFile().deleteOnExit();
                try (OutputStream out = Files.newOutputStream(tar)) {
                    if (s.kind() == FileSpec.Kind.DIRECTORY) {
                        writeDirectory(s, out);
                    } else {
                        writeArchive(s, out);
                    }
                }
                return tar;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static long[] ids(FileSpec spec) {
        if (spec.owner() == null) {
            return new long[] {0, 0};
        }
        String[] parts = spec.owner().split(":");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    }

    private static int fileMode(FileSpec spec, int own) {
        if (spec.mode() != null) {
            return spec.mode();
        }
        return own & 07777;
    }

    /** A directory mode from a file mode: search permission wherever there is read permission. */
    static int directoryMode(int mode) {
        return mode | (mode & 0444) >> 2;
    }

    private static TarArchiveOutputStream tarStream(OutputStream out) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        return tar;
    }

    private static void writeDirectory(FileSpec spec, OutputStream out) throws IOException {
        Path root = spec.source();
        long[] ids = ids(spec);
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted().toList();
        }
        TarArchiveOutputStream tar = tarStream(out);
        for (Path p : paths) {
            String rel = root.relativize(p).toString().replace('\\', '/');
            String name = rel.isEmpty() ? "./" : "./" + rel;
            TarArchiveEntry e;
            boolean content = false;
            if (Files.isSymbolicLink(p)) {
                e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                e.setLinkName(Files.readSymbolicLink(p).toString());
                e.setMode(0120777);
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
                e.setMode(040000 | (spec.mode() == null ? 0755 : directoryMode(spec.mode())));
            } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                e = new TarArchiveEntry(name);
                int own = Files.isExecutable(p) ? 0755 : 0644;
                e.setMode(0100000 | (spec.mode() == null ? own : spec.mode()));
                e.setSize(Files.size(p));
                content = true;
            } else {
                throw new IllegalArgumentException(p + " is neither a file, a directory nor a symbolic link");
            }
            e.setIds((int) ids[0], (int) ids[1]);
            e.setUserName("");
            e.setGroupName("");
            e.setModTime(0);
            tar.putArchiveEntry(e);
            if (content) {
                try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                    in.transferTo(tar);
                }
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
    }

    private static InputStream decompress(Path archive) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(archive));
        in.mark(8);
        byte[] magic = in.readNBytes(6);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16));
        }
        if (magic.length >= 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') {
            return new BufferedInputStream(new BZip2CompressorInputStream(in));
        }
        if (magic.length >= 6 && (magic[0] & 0xff) == 0xfd && magic[1] == '7' && magic[2] == 'z' && magic[3] == 'X') {
            in.close();
            throw new IllegalArgumentException(archive.getFileName() + " is xz-compressed; give a .tar, .tar.gz or .tar.bz2");
        }
        return in;
    }

    private static void writeArchive(FileSpec spec, OutputStream out) throws IOException {
        long[] ids = ids(spec);
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        TarArchiveOutputStream tar = tarStream(out);
        int count = 0;
        try (TarArchiveInputStream in = new TarArchiveInputStream(decompress(spec.source()))) {
            TarArchiveEntry source;
            while ((source = in.getNextEntry()) != null) {
                String name = clean(source.getName(), spec);
                if (name == null) {
                    continue;
                }
                // parents the archive does not list are made here, so that they belong to the owner too
                String parent = name.substring(0, Math.max(name.lastIndexOf('/', name.endsWith("/") ? name.length() - 2 : name.length()), 1));
                List<String> missing = new ArrayList<>();
                while (parent.length() > 1 && !seen.contains(parent)) {
                    missing.add(0, parent);
                    parent = parent.substring(0, Math.max(parent.lastIndexOf('/'), 1));
                }
                for (String dirName : missing) {
                    TarArchiveEntry d = new TarArchiveEntry(dirName + "/");
                    d.setMode(040000 | (spec.mode() == null ? 0755 : directoryMode(spec.mode())));
                    d.setIds((int) ids[0], (int) ids[1]);
                    d.setUserName("");
                    d.setGroupName("");
                    d.setModTime(source.getModTime());
                    tar.putArchiveEntry(d);
                    tar.closeArchiveEntry();
                    seen.add(dirName);
                }
                TarArchiveEntry e;
                boolean content = false;
                if (source.isSymbolicLink()) {
                    e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(source.getLinkName());
                    e.setMode(0120777);
                } else if (source.isLink()) {
                    String target = clean(source.getLinkName(), spec);
                    if (target == null || !seen.contains(target)) {
                        throw new IllegalArgumentException(spec.source().getFileName() + ": hard link " + source.getName()
                                + " points to " + source.getLinkName() + ", which is not earlier in the archive");
                    }
                    e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
                    e.setLinkName(target);
                } else if (source.isDirectory()) {
                    e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
                    e.setMode(040000 | (spec.mode() == null ? source.getMode() & 07777 : directoryMode(spec.mode())));
                } else if (source.isFile()) {
                    e = new TarArchiveEntry(name);
                    e.setMode(0100000 | fileMode(spec, source.getMode()));
                    e.setSize(source.getSize());
                    content = true;
                } else {
                    throw new IllegalArgumentException(spec.source().getFileName() + ": " + source.getName()
                            + " is a device or FIFO; an archive for an image may hold files, directories and links only");
                }
                e.setIds((int) ids[0], (int) ids[1]);
                e.setUserName("");
                e.setGroupName("");
                e.setModTime(source.getModTime());
                tar.putArchiveEntry(e);
                if (content) {
                    in.transferTo(tar);
                }
                tar.closeArchiveEntry();
                seen.add(name);
                names.add(name);
                count++;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException(spec.source().getFileName() + " is not a tar archive, or an empty one");
        }
        tar.finish();
        tar.flush();
    }

    /** The entry's name below the destination ({@code ./a/b}), null for the destination itself; refuses {@code ..}. */
    private static String clean(String name, FileSpec spec) {
        String n = name.replace('\\', '/');
        while (n.startsWith("/")) {
            n = n.substring(1);
        }
        List<String> parts = new ArrayList<>();
        for (String part : n.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new IllegalArgumentException(spec.source().getFileName() + ": entry '" + name
                        + "' leaves the destination (..)");
            }
            parts.add(part);
        }
        return parts.isEmpty() ? null : "./" + String.join("/", parts);
    }
}
