package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

/**
 * The link rewriter sees a page in pieces of whatever size the network delivers. For any page and any way of cutting
 * it, the output must be the rewrite of the whole page: an address cut at a piece boundary is where a streaming
 * scanner goes wrong. And whatever the page, no address of BC's environment survives the rewrite.
 */
class BcLinkRewriterFuzzTest {

    private static final String BC_BASE = "https://api.businesscentral.dynamics.com/v2.0/";
    private static final String ENVIRONMENT = "production";
    private static final String GATEWAY = "https://gw.example/bc/c/";

    @FuzzTest(maxDuration = "2m")
    void anyCuttingGivesTheRewriteOfTheWholePage(FuzzedDataProvider data) {
        int[] cuts = data.consumeInts(data.consumeInt(0, 64));
        // Half of the runs plant BC's address so that the fuzzer starts from pages that have one.
        byte[] page = data.consumeBoolean()
                ? (data.consumeString(64) + BC_BASE + data.consumeString(40) + "/" + ENVIRONMENT + "/"
                        + data.consumeRemainingAsString()).getBytes(StandardCharsets.UTF_8)
                : data.consumeRemainingAsBytes();

        byte[] whole = rewrite(page, new int[0]);
        assertArrayEquals(whole, rewrite(page, cuts), "cut at " + Arrays.toString(cuts));
        assertArrayEquals(whole, rewrite(page, cuts, true), "off-heap pieces cut at " + Arrays.toString(cuts));
        assertFalse(hasEnvironmentAddress(new String(whole, StandardCharsets.ISO_8859_1)),
                "BC's address survived the rewrite");
    }

    /** Whether BC's base address (as BC writes it) followed by the environment (in any case) is still there. */
    private static boolean hasEnvironmentAddress(String out) {
        for (int at = out.indexOf(BC_BASE); at >= 0; at = out.indexOf(BC_BASE, at + 1)) {
            if (out.regionMatches(true, at + BC_BASE.length(), ENVIRONMENT + "/", 0, ENVIRONMENT.length() + 1)) {
                return true;
            }
        }
        return false;
    }

    /** The page through one rewriter, fed in pieces ending at the given cut points (taken modulo the length). */
    static byte[] rewrite(byte[] page, int[] cuts) {
        return rewrite(page, cuts, false);
    }

    /**
     * The same with the pieces in off-heap buffers ({@code direct}), which the rewriter scans through Netty rather
     * than through their (absent) backing array.
     */
    static byte[] rewrite(byte[] page, int[] cuts, boolean direct) {
        BcLinkRewriter rewriter = new BcLinkRewriter(BC_BASE, ENVIRONMENT, GATEWAY);
        int[] points = new int[cuts.length];
        for (int i = 0; i < cuts.length; i++) {
            points[i] = page.length == 0 ? 0 : Math.floorMod(cuts[i], page.length + 1);
        }
        Arrays.sort(points);
        Buffer out = Buffer.buffer();
        int from = 0;
        for (int point : points) {
            out.appendBuffer(rewriter.process(piece(page, from, point, direct)));
            from = point;
        }
        out.appendBuffer(rewriter.process(piece(page, from, page.length, direct)));
        out.appendBuffer(rewriter.finish());
        return out.getBytes();
    }

    private static Buffer piece(byte[] page, int from, int to, boolean direct) {
        return direct ? Buffer.buffer(Unpooled.directBuffer(to - from).writeBytes(page, from, to - from))
                : Buffer.buffer(Arrays.copyOfRange(page, from, to));
    }
}
