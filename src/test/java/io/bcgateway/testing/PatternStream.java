package io.bcgateway.testing;

import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A reproducible stream of pseudo-random bytes of a given length, generated on the fly (never held in memory). */
public final class PatternStream extends InputStream {

    private long remaining;
    private long state;

    public PatternStream(long length, long seed) {
        this.remaining = length;
        this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    }

    private int nextByte() {
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        return (int) (state & 0xff);
    }

    @Override
    public int read() {
        if (remaining <= 0) {
            return -1;
        }
        remaining--;
        return nextByte();
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (remaining <= 0) {
            return -1;
        }
        int n = (int) Math.min(len, remaining);
        for (int i = 0; i < n; i++) {
            b[off + i] = (byte) nextByte();
        }
        remaining -= n;
        return n;
    }

    /** SHA-256 of what a fresh stream with these parameters yields. */
    public static String sha256(long length, long seed) {
        return sha256Of(new PatternStream(length, seed));
    }

    public static String sha256Of(InputStream in) {
        try (in) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.io.IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
