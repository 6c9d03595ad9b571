package io.jenkins.plugins.grocker.dockerfile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The files sent to the engine for one build: a Dockerfile plus scripts, copied files and root
 * filesystems. Entries are kept sorted and written with fixed owners and times, so the same context gives
 * the same tar and the same digests. Immutable once built.
 */
public final class BuildContext {
    public static final String DOCKERFILE = "Dockerfile";

    /** One file of the context: its bytes, or a file on disk for large inputs (root filesystems). */
    public record Entry(String path, byte[] bytes, Path source, int mode) {
        long size() throws IOException {
            return bytes != null ? bytes.length : Files.size(source);
        }

        InputStream open() throws IOException {
            return bytes != null ? new java.io.ByteArrayInputStream(bytes) : Files.newInputStream(source);
        }
    }

    private final Map<String, Entry> entries;

    private BuildContext(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    public static Builder builder(String dockerfile) {
        return new Builder().add(DOCKERFILE, dockerfile.getBytes(StandardCharsets.UTF_8), 0644);
    }

    public String dockerfile() {
        return new String(entries.get(DOCKERFILE).bytes(), StandardCharsets.UTF_8);
    }

    public Collection<Entry> entries() {
        return entries.values();
    }

    /** For each path, {@code <octal mode> sha256:<hex>}: what the cache key covers. */
    public Map<String, String> digests() throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (Entry e : entries.values()) {
            MessageDigest sha = sha256();
            try (InputStream in = e.open()) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    sha.update(buffer, 0, n);
                }
            }
            out.put(e.path(), Integer.toOctalString(e.mode()) + " sha256:" + HexFormat.of().formatHex(sha.digest()));
        }
        return out;
    }

    /** Writes the context as an uncompressed tar, entries in path order, owner 0, time 0. */
    public void writeTar(OutputStream out) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        for (Entry e : entries.values()) {
            TarArchiveEntry te = new TarArchiveEntry(e.path());
            te.setSize(e.size());
            te.setMode(0100000 | e.mode());
            te.setModTime(0);
            te.setIds(0, 0);
            tar.putArchiveEntry(te);
            try (InputStream in = e.open()) {
                in.transferTo(tar);
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Collects entries; not thread-safe. */
    public static final class Builder {
        private final Map<String, Entry> entries = new TreeMap<>();

        public Builder add(String path, byte[] bytes, int mode) {
            return put(new Entry(path, bytes.clone(), null, mode));
        }

        public Builder addFile(String path, Path source, int mode) {
            return put(new Entry(path, null, source, mode));
        }

        private Builder put(Entry entry) {
            if (entries.putIfAbsent(entry.path(), entry) != null) {
                throw new IllegalArgumentException("build context has two files at " + entry.path());
            }
            return this;
        }

        public BuildContext build() {
            return new BuildContext(new TreeMap<>(entries));
        }
    }
}
