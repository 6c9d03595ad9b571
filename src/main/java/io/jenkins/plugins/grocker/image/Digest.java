package io.jenkins.plugins.grocker.image;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.jenkins.plugins.grocker.InputException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest in the {@code sha256:<64 lowercase hex digits>} form registries and image ids use. The only
 * algorithm this project writes and accepts is sha256. Written to JSON as its text. Immutable.
 */
public final class Digest implements Comparable<Digest> {
    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    private final String text;

    private Digest(String text) {
        this.text = text;
    }

    /**
     * The digest this text names.
     *
     * @throws IllegalArgumentException when it is not {@code sha256:<64 lowercase hex digits>}; for text a user
     *     typed, use {@link #parse} instead
     */
    @JsonCreator
    public static Digest of(String text) {
        if (!isValid(text)) {
            throw new IllegalArgumentException("'" + text + "' is not a sha256 digest (sha256:<64 hex digits>)");
        }
        return new Digest(text);
    }

    /** As {@link #of}, for input: an invalid digest is an input error whose message starts with {@code what}. */
    public static Digest parse(String text, String what) throws InputException {
        if (!isValid(text)) {
            throw new InputException(what + ": '" + text + "' is not a sha256 digest (sha256:<64 hex digits>)");
        }
        return new Digest(text);
    }

    /** The digest of these bytes. */
    public static Digest sha256(byte[] bytes) {
        return new Digest("sha256:" + HexFormat.of().formatHex(newSha256().digest(bytes)));
    }

    /** A digest from 64 hex digits computed elsewhere (a {@link MessageDigest} over a stream). */
    public static Digest ofSha256Hex(String hex) {
        return of("sha256:" + hex);
    }

    public static boolean isValid(String text) {
        return text != null && SHA256.matcher(text).matches();
    }

    /** A fresh SHA-256 {@link MessageDigest}. */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** The 64 hex digits. */
    public String hex() {
        return text.substring("sha256:".length());
    }

    /** The first 12 hex digits, for logs. */
    public String shortForm() {
        return hex().substring(0, 12);
    }

    /** {@code sha256:<hex>}. */
    @JsonValue
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Digest d && d.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public int compareTo(Digest other) {
        return text.compareTo(other.text);
    }
}
