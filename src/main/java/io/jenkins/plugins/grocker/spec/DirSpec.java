package io.jenkins.plugins.grocker.spec;

/**
 * A directory created in the image. Immutable.
 *
 * @param path absolute path, not {@code /}, without {@code .} or {@code ..} segments
 * @param owner {@code uid:gid}, {@code -} for root, or null for the image's user (root when it has none)
 * @param mode octal mode, or null for the default (0755 less the umask)
 */
public record DirSpec(String path, String owner, Integer mode) {
    public static DirSpec of(String path) {
        return new DirSpec(path, null, null);
    }

    public DirSpec withOwner(String numericOwner) {
        return new DirSpec(path, numericOwner, mode);
    }
}
