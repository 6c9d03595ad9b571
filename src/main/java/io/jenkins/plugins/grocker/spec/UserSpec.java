package io.jenkins.plugins.grocker.spec;

/** The non-root user an image ends as. Immutable. */
public record UserSpec(String name, long uid, long gid, boolean sudo) {
    /** {@code uid:gid}, the form used in {@code USER} so that runtimes can see the user is not root. */
    public String numeric() {
        return uid + ":" + gid;
    }
}
