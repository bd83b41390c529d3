package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

class NextLinkRewriterTest {

    private static final String BC = "https://api.businesscentral.dynamics.com/v2.0/tid/Production/api/v2.0/";
    private static final String GW = "http://gw:8080/bc/contoso/api/v2.0/";

    private static NextLinkRewriter rewriter() {
        return new NextLinkRewriter(link -> link.startsWith(BC) ? GW + link.substring(BC.length()) : null);
    }

    /** Feeds {@code json} in chunks of {@code size} bytes and returns what came out. */
    private static String run(String json, int size) {
        NextLinkRewriter r = rewriter();
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Buffer out = Buffer.buffer();
        for (int i = 0; i < bytes.length; i += size) {
            out.appendBuffer(r.process(Buffer.buffer().appendBytes(bytes, i, Math.min(size, bytes.length - i))));
        }
        out.appendBuffer(r.finish());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rewritesTheNextLinkWhateverTheChunkBoundaries() {
        String page = "{\"@odata.context\":\"x\",\"value\":[{\"id\":\"1\",\"displayName\":\"Møller & Søn\"}],"
                + "\"@odata.nextLink\":\"" + BC + "companies(1)/customers?aid=FIN&$skiptoken=1\"}";
        String expected = page.replace(BC, GW);
        for (int size = 1; size <= page.length(); size++) {
            assertEquals(expected, run(page, size), "chunk size " + size);
        }
    }

    @Test
    void toleratesWhitespaceAroundTheColon() {
        String page = "{\"value\":[],\n  \"@odata.nextLink\" :  \"" + BC + "items?$skiptoken=9\"\n}";
        assertEquals(page.replace(BC, GW), run(page, 7));
    }

    @Test
    void leavesForeignLinksAndLookalikesAlone() {
        String page = "{\"value\":[{\"note\":\"@odata.nextLink\",\"x\":\"\\\"@odata.nextLink\\\":\\\"" + BC + "\\\"\"}],"
                + "\"@odata.nextLink\":\"https://evil.example/v2.0/tid/Production/api/v2.0/customers\"}";
        assertEquals(page, run(page, 5));
    }

    @Test
    void passesAChunkWithoutALinkThroughAsTheSameBuffer() {
        Buffer chunk = Buffer.buffer("{\"value\":[{\"id\":\"1\"}]}");
        assertSame(chunk, rewriter().process(chunk));
    }

    @Test
    void handlesEscapedQuotesInsideTheValue() {
        String page = "{\"@odata.nextLink\":\"" + BC + "x?$filter=a eq '\\\"'\",\"b\":1}";
        assertEquals(page.replace(BC, GW), run(page, 3));
    }

    @Test
    void anOverlongValueIsPassedOnUnchanged() {
        String page = "{\"@odata.nextLink\":\"" + BC + "a".repeat(NextLinkRewriter.MAX_LINK_LENGTH + 10) + "\"}";
        assertEquals(page, run(page, 1000));
    }

    @Test
    void anUnterminatedValueIsFlushedAtTheEnd() {
        String page = "{\"@odata.nextLink\":\"" + BC + "x";
        assertEquals(page, run(page, 4));
    }
}
