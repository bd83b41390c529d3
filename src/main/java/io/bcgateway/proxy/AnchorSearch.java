package io.bcgateway.proxy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Finds BC's base address ({@code https://api.businesscentral.dynamics.com/v2.0/}, the anchor) in a byte array.
 * It looks for the anchor's last byte, a {@code /}, eight bytes at a time, and compares the bytes before each one
 * found with the rest of the anchor. In a JSON page of BC's a {@code /} is rare (its addresses and the entity tags'
 * {@code W/"…"}: 27 in the 17 KB customers page of the overhead benchmark, against 83 {@code h}, the anchor's first
 * byte). Jumping from one {@code h} to the next with Netty's {@code ByteBuf.indexOf} cost ~7.5 % of the gateway's CPU
 * on that page (issue #15): a call with its own set-up and checked reads per {@code h}, and a heap buffer's 8-byte
 * reads assembled from single bytes. A Boyer-Moore-Horspool skip search was tried and measured slower here: each
 * step waits for the load of the previous one.
 *
 * <p>Made once per connection and gateway base ({@link GatewayPrefix}) and shared between responses and threads:
 * immutable after construction.
 */
final class AnchorSearch {

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private final byte[] anchor;

    /** @param anchor the bytes searched for, at least one; never written to */
    AnchorSearch(byte[] anchor) {
        if (anchor.length == 0) {
            throw new IllegalArgumentException("the anchor must not be empty");
        }
        this.anchor = anchor;
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
        byte lastByte = anchor[last];
        byte firstByte = anchor[0];
        for (int end = indexOf(a, from + last, to, lastByte); end >= 0; end = indexOf(a, end + 1, to, lastByte)) {
            int start = end - last;
            if (a[start] == firstByte && Arrays.equals(a, start, end, anchor, 0, last)) {
                return start;
            }
        }
        // No whole anchor in [from, to): one may begin in the last anchor.length - 1 bytes.
        for (int i = Math.max(from, to - last); i < to; i++) {
            if (a[i] == firstByte && Arrays.equals(a, i, to, anchor, 0, to - i)) {
                return i;
            }
        }
        return -1;
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
