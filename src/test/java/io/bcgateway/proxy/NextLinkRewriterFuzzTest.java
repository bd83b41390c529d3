package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.function.UnaryOperator;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.vertx.core.buffer.Buffer;

/**
 * The link rewriter sees a page in pieces of whatever size the network delivers. For any page and any way of cutting
 * it, the output must be the rewrite of the whole page: a key, a colon or a link value cut at a piece boundary is
 * where a streaming scanner goes wrong. A rewrite that keeps every link must give back the page byte for byte.
 */
class NextLinkRewriterFuzzTest {

    /** Rewrites some links (those ending in an even digit), keeps the others: both branches in one run. */
    private static final UnaryOperator<String> SOME_LINKS = link -> link.isEmpty()
            || (link.charAt(link.length() - 1) & 1) == 1 ? null : "https://gw.example/bc/c/" + link.length();

    @FuzzTest(maxDuration = "2m")
    void anyCuttingGivesTheRewriteOfTheWholePage(FuzzedDataProvider data) {
        int[] cuts = data.consumeInts(data.consumeInt(0, 64));
        byte[] page = data.consumeRemainingAsBytes();

        byte[] whole = rewrite(SOME_LINKS, page, new int[0]);
        assertArrayEquals(whole, rewrite(SOME_LINKS, page, cuts), "cut at " + java.util.Arrays.toString(cuts));
        assertArrayEquals(page, rewrite(link -> null, page, cuts), "a rewrite that keeps every link changed the page");
    }

    /** The page through one rewriter, fed in pieces ending at the given cut points (taken modulo the length). */
    static byte[] rewrite(UnaryOperator<String> links, byte[] page, int[] cuts) {
        NextLinkRewriter rewriter = new NextLinkRewriter(links);
        int[] points = new int[cuts.length];
        for (int i = 0; i < cuts.length; i++) {
            points[i] = page.length == 0 ? 0 : Math.floorMod(cuts[i], page.length + 1);
        }
        java.util.Arrays.sort(points);
        Buffer out = Buffer.buffer();
        int from = 0;
        for (int point : points) {
            out.appendBuffer(rewriter.process(Buffer.buffer(java.util.Arrays.copyOfRange(page, from, point))));
            from = point;
        }
        out.appendBuffer(rewriter.process(Buffer.buffer(java.util.Arrays.copyOfRange(page, from, page.length))));
        out.appendBuffer(rewriter.finish());
        return out.getBytes();
    }
}
