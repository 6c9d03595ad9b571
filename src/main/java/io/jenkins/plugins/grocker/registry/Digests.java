package io.jenkins.plugins.grocker.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 content digests in the {@code sha256:<hex>} form registries use. */
final class Digests {
    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    private Digests() {}

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    static boolean isSha256(String digest) {
        return digest != null && SHA256.matcher(digest).matches();
    }

    static String requireSha256(String digest) {
        if (!isSha256(digest)) {
            throw new IllegalArgumentException("'" + digest + "' is not a sha256 digest (sha256:<64 hex digits>)");
        }
        return digest;
    }
}
