package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class AnchorSearchTest {

    private static final byte[] ANCHOR = "https://api.businesscentral.dynamics.com/v2.0/"
            .getBytes(StandardCharsets.US_ASCII);

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The answer by definition: the first index whose bytes up to the anchor's end or {@code to} are the anchor's. */
    private static int naive(byte[] anchor, byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            int k = 0;
            while (k < anchor.length && i + k < to && a[i + k] == anchor[k]) {
                k++;
            }
            if (k == anchor.length || i + k == to) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void findsWhatACheckAtEveryIndexFinds() {
        // Texts made of pieces of the anchor (and of a short anchor with a repeated byte), so that near misses,
        // overlapping starts and cut-off ends are common, searched over random ranges.
        // The online anchor, an on-premises one and a 16-byte one with repeated windows (the shortest searched by
        // sampled windows) against three searched by their last byte (15 bytes, and two short ones).
        byte[][] anchors = { ANCHOR, ascii("http://127.0.0.1:41234/BC/"), ascii("abcabcabcabcabc/"),
            ascii("abcabcabcabcab/"), ascii("abab/"), ascii("/") };
        Random random = new Random(15);
        for (byte[] anchor : anchors) {
            AnchorSearch search = new AnchorSearch(anchor);
            for (int run = 0; run < 5_000; run++) {
                byte[] a = new byte[random.nextInt(run % 5 == 0 ? 600 : 200)];
                for (int i = 0; i < a.length; ) {
                    int from = random.nextInt(anchor.length);
                    int n = Math.min(a.length - i, 1 + random.nextInt(anchor.length - from));
                    System.arraycopy(anchor, from, a, i, n);
                    if (random.nextInt(3) == 0) {
                        a[i] = (byte) random.nextInt(256);
                    }
                    i += n;
                }
                int from = a.length == 0 ? 0 : random.nextInt(a.length + 1);
                int to = from + random.nextInt(a.length - from + 1);
                assertEquals(naive(anchor, a, from, to), search.find(a, from, to),
                        new String(a, StandardCharsets.ISO_8859_1) + " [" + from + ", " + to + ")");
            }
        }
    }

    @Test
    void findsTheAnchorCutByTheEndOfTheRangeAtEveryLength() {
        AnchorSearch search = new AnchorSearch(ANCHOR);
        for (int n = 1; n <= ANCHOR.length; n++) {
            byte[] a = new byte[10 + n];
            Arrays.fill(a, (byte) 'x');
            System.arraycopy(ANCHOR, 0, a, 10, n);
            assertEquals(10, search.find(a, 0, a.length), n + " bytes of the anchor");
            assertEquals(-1, search.find(a, 0, 10), "outside the range");
        }
    }

    @Test
    void findsTheAnchorAtEveryOffsetOfAPageWithLookalikesAround() {
        // Every start between two windows the sampled search looks at, in a page of near misses (the anchor with one
        // byte changed), so that a window skipped wrongly or a start compared out of order shows.
        for (byte[] anchor : new byte[][] { ANCHOR, ascii("http://127.0.0.1:41234/BC/") }) {
            AnchorSearch search = new AnchorSearch(anchor);
            for (int at = 0; at < 3 * anchor.length; at++) {
                byte[] a = new byte[6 * anchor.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = anchor[i % anchor.length];
                }
                for (int i = 0; i < a.length; i += anchor.length) {
                    a[i + anchor.length / 2] = 'X';
                }
                System.arraycopy(anchor, 0, a, at, anchor.length);
                for (int from = 0; from <= at; from += 7) {
                    assertEquals(naive(anchor, a, from, a.length), search.find(a, from, a.length),
                            at + " from " + from);
                }
            }
        }
    }

    @Test
    void findsAByteWhereverItIsAmongBytesThatDifferFromItByOneBit() {
        // Bytes one bit away from the one searched for (and 0x80, 0xFF) are where a word-at-a-time test can go wrong.
        byte b = '/';
        byte[] alphabet = { b, (byte) (b ^ 1), (byte) (b + 1), (byte) (b - 1), 0, 1, (byte) 0x80, (byte) 0xFF,
            (byte) (b | 0x80) };
        Random random = new Random(8);
        for (int run = 0; run < 20_000; run++) {
            byte[] a = new byte[random.nextInt(70)];
            int lowest = random.nextInt(3) == 0 ? 1 : 0; // a third of the arrays without the byte at all
            for (int i = 0; i < a.length; i++) {
                a[i] = alphabet[lowest + random.nextInt(alphabet.length - lowest)];
            }
            int from = random.nextInt(a.length + 1);
            int to = from + random.nextInt(a.length - from + 1);
            int want = -1;
            for (int i = from; i < to && want < 0; i++) {
                want = a[i] == b ? i : -1;
            }
            assertEquals(want, AnchorSearch.indexOf(a, from, to, b), Arrays.toString(a) + " [" + from + ", " + to + ")");
        }
    }

    @Test
    void refusesAnEmptyAnchor() {
        assertThrows(IllegalArgumentException.class, () -> new AnchorSearch(new byte[0]));
    }
}
