package io.jenkins.plugins.grocker.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A content address for an image: sha256 over named inputs (the parent's digest for the platform, the
 * rendered Dockerfile, every context file, the engine version, ...). Inputs are sorted by name and
 * length-prefixed, so the same inputs give the same key and no two different input sets collide by
 * concatenation. Immutable.
 */
public final class CacheKey {
    /** Bump when the meaning of keys changes, so that every image is rebuilt once. */
    public static final String SCHEME = "grocker-key-1";
    public static final String TAG_PREFIX = "gk-";

    private final String hex;

    private CacheKey(String hex) {
        this.hex = hex;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The 64 hex digits. */
    public String hex() {
        return hex;
    }

    /** The tag recording this key in the image's repository: {@code gk-<64 hex>}. */
    public String tag() {
        return TAG_PREFIX + hex;
    }

    /** The first 12 hex digits, for logs. */
    public String shortForm() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return hex;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CacheKey k && k.hex.equals(hex);
    }

    @Override
    public int hashCode() {
        return hex.hashCode();
    }

    /** Collects inputs; not thread-safe. */
    public static final class Builder {
        private final Map<String, byte[]> inputs = new TreeMap<>();

        public Builder put(String name, String value) {
            return put(name, (value == null ? "\0null" : value).getBytes(StandardCharsets.UTF_8));
        }

        public Builder put(String name, byte[] value) {
            if (inputs.putIfAbsent(name, value.clone()) != null) {
                throw new IllegalArgumentException("cache key input '" + name + "' given twice");
            }
            return this;
        }

        public CacheKey build() {
            MessageDigest sha = sha256();
            update(sha, SCHEME.getBytes(StandardCharsets.UTF_8));
            inputs.forEach((name, value) -> {
                update(sha, name.getBytes(StandardCharsets.UTF_8));
                update(sha, value);
            });
            return new CacheKey(HexFormat.of().formatHex(sha.digest()));
        }

        private static void update(MessageDigest sha, byte[] bytes) {
            long n = bytes.length;
            for (int i = 7; i >= 0; i--) {
                sha.update((byte) (n >>> (8 * i)));
            }
            sha.update(bytes);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
