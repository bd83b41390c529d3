package io.bcgateway.proxy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Finds BC's base address ({@code https://api.businesscentral.dynamics.com/v2.0/}, the anchor) in a byte array.
 * An anchor of 16 bytes or more (BC's always are) is found by sampling: one eight-byte window every
 * {@code anchor.length - 7} bytes, tested against a bit set of the anchor's own windows, and only where a window
 * may belong to the anchor are the starts it stands for compared ({@link #findBySampledGrams}). On the overhead
 * benchmark's 17 KB page (issue #15) that reads ~900 words, where looking for the anchor's last byte, a {@code /},
 * eight bytes at a time read ~2,100 and stopped at each of the page's 27 {@code /}; that byte search stays for
 * shorter anchors. Jumping from one {@code h} (the first byte) to the next with Netty's {@code ByteBuf.indexOf}, the
 * first version, cost ~7.5 % of the gateway's CPU on that page, and a Boyer-Moore-Horspool skip search was measured
 * slower than the byte search: each of its steps waits for the load of the previous one, where the sampled
 * windows' loads are independent of each other.
 *
 * <p>Made once per connection and gateway base ({@link GatewayPrefix}) and shared between responses and threads:
 * immutable after construction.
 */
final class AnchorSearch {

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /** Bytes per window of the sampled search. */
    private static final int GRAM = 8;
    /** Below this many bytes the sampled search would look at a window every few bytes: the byte search is used. */
    private static final int MIN_SAMPLED_LENGTH = 2 * GRAM;

    private final byte[] anchor;
    /** One bit per hash of each eight-byte window of the anchor (4,096 bits); null for a short anchor. */
    private final long[] grams;
    /** Bytes between two windows looked at: the number of windows in the anchor. */
    private final int stride;

    /** @param anchor the bytes searched for, at least one; never written to */
    AnchorSearch(byte[] anchor) {
        if (anchor.length == 0) {
            throw new IllegalArgumentException("the anchor must not be empty");
        }
        this.anchor = anchor;
        this.stride = anchor.length - GRAM + 1;
        if (anchor.length < MIN_SAMPLED_LENGTH) {
            this.grams = null;
        } else {
            this.grams = new long[64];
            ByteBuffer longs = ByteBuffer.wrap(anchor).order(ByteOrder.LITTLE_ENDIAN);
            for (int o = 0; o + GRAM <= anchor.length; o++) {
                int h = hash(longs.getLong(o));
                grams[h >>> 6] |= 1L << h;
            }
        }
    }

    byte[] bytes() {
        return anchor;
    }

    int length() {
        return anchor.length;
    }

    byte first() {
        return anchor[0];
    }

    /**
     * The first index {@code i} in {@code [from, to)} where the anchor starts, whole, or cut by {@code to} (the end
     * of a piece: {@code a[i, to)} is the beginning of the anchor, and the next piece decides); -1 if there is none.
     */
    int find(byte[] a, int from, int to) {
        int last = anchor.length - 1;
        int whole = grams == null ? findByLastByte(a, from, to) : findBySampledGrams(a, from, to);
        if (whole >= 0) {
            return whole;
        }
        // No whole anchor in [from, to): one may begin in the last anchor.length - 1 bytes.
        byte firstByte = anchor[0];
        for (int i = Math.max(from, to - last); i < to; i++) {
            if (a[i] == firstByte && Arrays.equals(a, i, to, anchor, 0, to - i)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The first whole anchor in {@code [from, to)}, or -1, looking at one eight-byte window every {@link #stride}
     * bytes. A whole anchor at {@code p} contains the windows starting at {@code p … p + stride - 1}, so exactly one
     * of them is looked at, and it is one of the anchor's own eight-byte windows; a window that is none of them (by
     * its hash in {@link #grams}: the anchor's 19-39 windows set at most 1 % of the bits) rules out every start that
     * would contain it. Only where the hash matches are the {@code stride} starts it stands for compared, in order,
     * so the first anchor is found first. For the overhead page (17 KB, the on-premises anchor of 26 bytes) that is
     * ~900 reads instead of a look at every byte.
     */
    private int findBySampledGrams(byte[] a, int from, int to) {
        int s = stride;
        int lastWindow = to - GRAM;
        ByteBuffer longs = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
        int j = from + anchor.length - GRAM;
        // Two windows per step: their loads and hashes do not wait for each other.
        for (; j + s <= lastWindow; j += 2 * s) {
            int h1 = hash(longs.getLong(j));
            int h2 = hash(longs.getLong(j + s));
            if ((((grams[h1 >>> 6] >>> h1) | (grams[h2 >>> 6] >>> h2)) & 1) != 0) {
                int at = startIn(a, from, to, j);
                if (at < 0) {
                    at = startIn(a, from, to, j + s);
                }
                if (at >= 0) {
                    return at;
                }
            }
        }
        for (; j <= lastWindow; j += s) {
            int h = hash(longs.getLong(j));
            if (((grams[h >>> 6] >>> h) & 1) != 0) {
                int at = startIn(a, from, to, j);
                if (at >= 0) {
                    return at;
                }
            }
        }
        return -1;
    }

    /** The first whole anchor in {@code [from, to)} among the starts the window at {@code j} stands for, or -1. */
    private int startIn(byte[] a, int from, int to, int j) {
        int m = anchor.length;
        int end = Math.min(j, to - m);
        for (int p = Math.max(from, j - stride + 1); p <= end; p++) {
            if (a[p] == anchor[0] && Arrays.equals(a, p, p + m, anchor, 0, m)) {
                return p;
            }
        }
        return -1;
    }

    /** The first whole anchor in {@code [from, to)}, or -1: each {@code /} (the anchor's last byte) checked. */
    private int findByLastByte(byte[] a, int from, int to) {
        int last = anchor.length - 1;
        byte lastByte = anchor[last];
        byte firstByte = anchor[0];
        for (int end = indexOf(a, from + last, to, lastByte); end >= 0; end = indexOf(a, end + 1, to, lastByte)) {
            int start = end - last;
            if (a[start] == firstByte && Arrays.equals(a, start, end, anchor, 0, last)) {
                return start;
            }
        }
        return -1;
    }

    /** Twelve bits of an eight-byte window (Fibonacci hashing: the top bits of the product). */
    private static int hash(long window) {
        return (int) ((window * 0x9E3779B97F4A7C15L) >>> 52);
    }

    /**
     * The first index of {@code b} in {@code a[from, to)}, or -1: sixteen bytes per step, each eight as a long in
     * which a byte equal to {@code b} becomes zero and is found by the "has a zero byte" test (the lowest flagged
     * byte is always a true zero; flags above it may not be, and are not looked at). The longs are read through a
     * {@code ByteBuffer} view, one load each (the JIT removes the view object): a {@code VarHandle} would do the same
     * on the JVM, but in a native image it is a method-handle call per read unless the image initialises this class
     * at build time (oracle/graal#14476).
     */
    static int indexOf(byte[] a, int from, int to, byte b) {
        long pattern = (b & 0xFFL) * ONES;
        ByteBuffer longs = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
        int i = from;
        for (; i <= to - 16; i += 16) {
            long x = longs.getLong(i) ^ pattern;
            long y = longs.getLong(i + 8) ^ pattern;
            long zx = (x - ONES) & ~x & HIGHS;
            long zy = (y - ONES) & ~y & HIGHS;
            if ((zx | zy) != 0) {
                return zx != 0 ? i + (Long.numberOfTrailingZeros(zx) >>> 3)
                        : i + 8 + (Long.numberOfTrailingZeros(zy) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
