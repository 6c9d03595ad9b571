package io.jenkins.plugins.grocker.spec;

import java.nio.file.Path;

/**
 * Something copied from next to the spec into the image: a file, a directory (its whole tree) or a tar archive
 * extracted at the destination. Immutable.
 *
 * @param source the real path on the host (symbolic links followed), inside the spec's directory or an allowed one
 * @param destination absolute path in the image: the file, the directory, or where the archive is extracted
 * @param mode octal mode of files: for a file, default 0644; for a directory or an archive, null keeps each file's
 *     own (normalised to 0755 when executable, else 0644), else every file gets it and every directory gets it plus
 *     search permission where it has read permission
 * @param owner {@code uid:gid} owning everything copied, or null for root
 * @param kind what the source is
 */
public record FileSpec(Path source, String destination, Integer mode, String owner, Kind kind) {
    /** What a source is. */
    public enum Kind { FILE, DIRECTORY, ARCHIVE }

    /** A single file owned by root. */
    public FileSpec(Path source, String destination, int mode) {
        this(source, destination, mode, null, Kind.FILE);
    }

    /** The file mode for a single file. */
    public int fileMode() {
        return mode == null ? 0644 : mode;
    }

    public FileSpec withOwner(String numericOwner) {
        return new FileSpec(source, destination, mode, numericOwner, kind);
    }
}
