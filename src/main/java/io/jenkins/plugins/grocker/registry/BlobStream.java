package io.jenkins.plugins.grocker.registry;

import io.jenkins.plugins.grocker.image.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.LongAdder;

/**
 * A blob's content as it arrives from a registry, never held in memory: counts the bytes and hashes them; at
 * the end of the stream the hash must equal the digest (and the count the size, when known), otherwise reading
 * fails with {@link DigestMismatch}. So whatever consumes it (an upload to another registry) fails rather than
 * accept wrong bytes. Not thread-safe: one reader.
 */
public final class BlobStream extends FilterInputStream {
    private final Digest digest;
    private final long size;
    private final String source;
    private final MessageDigest sha256;
    private final LongAdder counter;
    private long read;
    private boolean verified;

    /**
     * @param size the expected size, or -1 when unknown
     * @param source what the bytes are, for messages ({@code blob repo@digest from registry host})
     * @param counter where every byte read is also counted (the client's traffic counter)
     */
    BlobStream(InputStream in, Digest digest, long size, String source, LongAdder counter) {
        super(in);
        this.digest = java.util.Objects.requireNonNull(digest, "digest");
        this.size = size;
        this.source = source;
        this.counter = counter;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    public Digest digest() {
        return digest;
    }

    /** The size the registry announced, or -1. */
    public long size() {
        return size;
    }

    /** Bytes read so far. */
    public long bytesRead() {
        return read;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            sha256.update(buffer, offset, n);
            read += n;
            counter.add(n);
            if (size >= 0 && read > size) {
                throw new DigestMismatch(source + " is longer than its size " + size);
            }
        } else if (n < 0) {
            verify();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skip is not supported: every byte must be hashed");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void verify() throws DigestMismatch {
        if (verified) {
            return;
        }
        Digest actual = Digest.ofSha256Hex(HexFormat.of().formatHex(sha256.digest()));
        verified = true;
        if (size >= 0 && read != size) {
            throw new DigestMismatch(source + " ended after " + read + " of " + size + " bytes");
        }
        if (!actual.equals(digest)) {
            throw new DigestMismatch(source + " has content with digest " + actual);
        }
    }

    /** The bytes did not hash to the digest (or their number was not the size). */
    static final class DigestMismatch extends IOException {
        DigestMismatch(String message) {
            super(message);
        }
    }
}
