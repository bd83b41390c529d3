package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.bcgateway.connection.BcEndpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

class BcLinkRewriterTest {

    private static final String BC = "https://api.businesscentral.dynamics.com/v2.0/";
    private static final String TENANT = "7e1f6a4c-2b1d-4c8e-9a53-0d6a1c2b3e4f";
    private static final String GW = "http://gw:8080/bc/contoso/";

    private static BcLinkRewriter rewriter() {
        return new BcLinkRewriter(BC, "production", GW);
    }

    /**
     * What the rewriter must produce, by a regular expression over the whole text: leftmost occurrences of BC's
     * base, an optional tenant segment (tried last) and the environment in any case.
     */
    private static String expected(String text) {
        Matcher m = Pattern.compile(Pattern.quote(BC) + "(?:[A-Za-z0-9._-]{1,128}/)??(?i:production)/").matcher(text);
        return m.replaceAll(Matcher.quoteReplacement(GW));
    }

    /** Feeds {@code text} cut at {@code cuts} (sorted offsets) and returns what came out. */
    private static String run(BcLinkRewriter r, byte[] bytes, List<Integer> cuts) {
        return run(r, bytes, cuts, Piece.HEAP);
    }

    /** How a piece's bytes are held: the rewriter scans a backing array directly, and anything else by Netty. */
    enum Piece {
        /** As Vert.x hands BC's answer over: a heap buffer of its own. */
        HEAP,
        /** A window into a larger array, at a non-zero array offset and reader index. */
        HEAP_SLICE,
        /** Off-heap memory, without a backing array. */
        DIRECT;

        Buffer of(byte[] bytes, int from, int length) {
            switch (this) {
                case HEAP:
                    return Buffer.buffer().appendBytes(bytes, from, length);
                case HEAP_SLICE: {
                    byte[] padded = new byte[length + 10];
                    Arrays.fill(padded, (byte) 'h'); // the anchor's first byte, outside the window
                    System.arraycopy(bytes, from, padded, 7, length);
                    ByteBuf b = Unpooled.wrappedBuffer(padded, 3, length + 4);
                    b.readerIndex(4);
                    b.writerIndex(4 + length);
                    return Buffer.buffer(b);
                }
                default:
                    return Buffer.buffer(Unpooled.directBuffer(length).writeBytes(bytes, from, length));
            }
        }
    }

    private static String run(BcLinkRewriter r, byte[] bytes, List<Integer> cuts, Piece piece) {
        Buffer out = Buffer.buffer();
        int from = 0;
        for (int cut : cuts) {
            processInto(out, r, piece.of(bytes, from, cut - from));
            from = cut;
        }
        processInto(out, r, piece.of(bytes, from, bytes.length - from));
        out.appendBuffer(r.finish());
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Appends what the rewriter passes on for one piece, then releases the piece as the caller's stream does once
     * written (the output shares the piece's bytes until it is copied into {@code out}; the rewriter copies what it
     * holds back).
     */
    private static void processInto(Buffer out, BcLinkRewriter r, Buffer piece) {
        out.appendBuffer(r.process(piece));
        piece.getByteBuf().release();
    }

    private static String inPiecesOf(String text, int size) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<Integer> cuts = new ArrayList<>();
        for (int i = size; i < bytes.length; i += size) {
            cuts.add(i);
        }
        return run(rewriter(), bytes, cuts);
    }

    private static String fullMetadataPage() {
        String root = BC + TENANT + "/Production/api/v2.0/";
        String customer = root + "companies(c1)/customers(a1)";
        return "{\"@odata.context\":\"" + root + "$metadata#companies(c1)/customers\",\"value\":[{"
                + "\"@odata.type\":\"#Microsoft.NAV.customer\",\"@odata.id\":\"" + customer + "\","
                + "\"@odata.etag\":\"W/\\\"JzE5OzgzMTM5MjY4MTQ1NzY2MDMzNDIxOzAwOyc=\\\"\",\"@odata.editLink\":\""
                + customer + "\",\"id@odata.type\":\"#Guid\",\"id\":\"a1\",\"displayName\":\"Møller & Søn\","
                + "\"picture@odata.navigationLink\":\"" + customer + "/picture\"}],"
                + "\"@odata.nextLink\":\"" + root + "companies(c1)/customers?aid=FIN&$skiptoken=a1\"}";
    }

    @Test
    void rewritesEveryBcAddressOfAFullMetadataPageWhateverThePieceSize() {
        String page = fullMetadataPage();
        String want = page.replace(BC + TENANT + "/Production/", GW);
        assertEquals(want, expected(page), "the oracle agrees with the plain replacement");
        for (int size = 1; size <= page.length(); size++) {
            assertEquals(want, inPiecesOf(page, size), "piece size " + size);
        }
    }

    @Test
    void rewritesWithoutTenantAndInAnyCaseOfTheEnvironment() {
        String page = "{\"@odata.context\":\"" + BC + "production/api/v2.0/$metadata#companies\","
                + "\"x\":\"" + BC + "PRODUCTION/api/v2.0/items\"}";
        assertEquals("{\"@odata.context\":\"" + GW + "api/v2.0/$metadata#companies\",\"x\":\"" + GW
                + "api/v2.0/items\"}", inPiecesOf(page, 3));
    }

    @Test
    void leavesOtherHostsEnvironmentsAndLookalikesAlone() {
        String page = "{\"a\":\"https://evil.example/v2.0/" + TENANT + "/Production/api/v2.0/customers\","
                + "\"b\":\"" + BC + TENANT + "/sandbox/api/v2.0/customers\","
                + "\"c\":\"" + BC.replace("https", "http") + "production/api\","
                + "\"d\":\"" + BC + "a/b/production/api\",\"e\":\"" + BC + "production\","
                + "\"f\":\"" + BC + "\",\"g\":\"https://api.businesscentral.dynamics.com:443/v2.0/production/\"}";
        for (int size = 1; size <= page.length(); size++) {
            assertEquals(page, inPiecesOf(page, size), "piece size " + size);
        }
    }

    @Test
    void anAddressRightAfterAFailedCandidateIsStillFound() {
        String page = BC + "hhttps:" + BC + TENANT + "/production/x " + BC + BC + "production/y";
        for (int size = 1; size <= page.length(); size++) {
            assertEquals(expected(page), inPiecesOf(page, size), "piece size " + size);
        }
        assertTrue(expected(page).contains(GW + "x") && expected(page).contains(GW + "y"));
    }

    @Test
    void randomTextsAndRandomCutsGiveWhatTheWholeTextGives() {
        String[] parts = { BC, BC + TENANT + "/", "Production/", "production/", "sandbox/", "h", "ht", "https:/",
                "/", "x", "\"", "Ø", "api/v2.0/customers", TENANT, "a".repeat(130) + "/" };
        Random random = new Random(16);
        for (int run = 0; run < 2_000; run++) {
            String text = randomText(random, parts);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            List<Integer> cuts = randomCuts(random, bytes.length, 4);
            assertEquals(expected(text), run(rewriter(), bytes, cuts), "text " + text + " cuts " + cuts);
        }
    }

    @Test
    void onPremisesTheWholeApiBaseIsReplaced() {
        BcLinkRewriter r = BcLinkRewriter.of(BcEndpoint.of("https://BC.example:7048/BC", Optional.empty()), GW);
        String page = "{\"@odata.context\":\"https://bc.example:7048/BC/api/v2.0/$metadata#companies\"}";
        assertEquals("{\"@odata.context\":\"" + GW + "api/v2.0/$metadata#companies\"}",
                run(r, page.getBytes(StandardCharsets.UTF_8), List.of(10, 30)));
    }

    @Test
    void onlineTheEndpointsBaseOmitsTheDefaultPort() {
        BcLinkRewriter r = BcLinkRewriter.of(BcEndpoint.of("https://api.businesscentral.dynamics.com",
                Optional.of("production")), GW);
        String page = fullMetadataPage();
        assertEquals(expected(page), run(r, page.getBytes(StandardCharsets.UTF_8), List.of(7, 8, 90)));
    }

    @Test
    void passesAPieceWithoutAnAddressThroughAsTheSameBuffer() {
        Buffer chunk = Buffer.buffer("{\"value\":[{\"id\":\"1\",\"phoneNumber\":\"https://other/\"}]}");
        assertSame(chunk, rewriter().process(chunk));
        byte[] bytes = chunk.getBytes();
        for (Piece piece : Piece.values()) {
            Buffer same = piece.of(bytes, 0, bytes.length);
            assertSame(same, rewriter().process(same), piece.name());
        }
    }

    @Test
    void anAddressCutBetweenTwoPiecesAtAnyOffsetIsRewritten() {
        String address = BC + TENANT + "/Production/";
        String page = "{\"@odata.context\":\"" + address + "api/v2.0/$metadata\"}";
        String want = "{\"@odata.context\":\"" + GW + "api/v2.0/$metadata\"}";
        byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
        int start = page.indexOf(address);
        for (Piece piece : Piece.values()) {
            for (int cut = start; cut <= start + address.length(); cut++) {
                assertEquals(want, run(rewriter(), bytes, List.of(cut), piece), piece + " cut at " + cut);
                // And in three pieces: the second one lies wholly inside the address.
                for (int second = cut; second <= start + address.length(); second += 7) {
                    assertEquals(want, run(rewriter(), bytes, List.of(cut, second), piece),
                            piece + " cut at " + cut + " and " + second);
                }
            }
        }
    }

    @Test
    void lookalikesThatDifferOnlyNearTheEndAreLeftAlone() {
        StringBuilder page = new StringBuilder("{");
        for (int i = 1; i < BC.length(); i++) {
            // BC's address with one byte changed, at every position, then a real one right after.
            String almost = BC.substring(0, i) + (BC.charAt(i) == 'x' ? 'y' : 'x') + BC.substring(i + 1);
            page.append('"').append(almost).append("production/\",\"").append(BC.substring(0, i)).append('"');
        }
        page.append("\"" + BC + "production/api\"}");
        String text = page.toString();
        String want = expected(text);
        assertTrue(want.endsWith("\"" + GW + "api\"}") && want.indexOf(GW) == want.lastIndexOf(GW), want);
        for (Piece piece : Piece.values()) {
            for (int size : new int[] {1, 2, 5, BC.length() - 1, BC.length(), BC.length() + 1, 100, text.length()}) {
                List<Integer> cuts = new ArrayList<>();
                for (int at = size; at < text.length(); at += size) {
                    cuts.add(at);
                }
                assertEquals(want, run(rewriter(), text.getBytes(StandardCharsets.UTF_8), cuts, piece),
                        piece + " in pieces of " + size);
            }
        }
    }

    @Test
    void heapSlicesAndDirectPiecesGiveWhatHeapPiecesGive() {
        String[] parts = { BC, BC + TENANT + "/", "Production/", "production/", "h", "https:/", BC.substring(0, 30),
                "/", "x", "\"", "Ø", "api/v2.0/customers", TENANT };
        Random random = new Random(15);
        for (int run = 0; run < 500; run++) {
            String text = randomText(random, parts);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            List<Integer> cuts = randomCuts(random, bytes.length, 6);
            for (Piece piece : Piece.values()) {
                assertEquals(expected(text), run(rewriter(), bytes, cuts, piece),
                        piece + " text " + text + " cuts " + cuts);
            }
        }
    }

    @Test
    void holdsBackNoMoreThanOneCandidate() {
        BcLinkRewriter r = rewriter();
        String text = BC + TENANT;
        Buffer out = r.process(Buffer.buffer("abc" + text));
        assertEquals("abc", out.toString());
        assertEquals(text, r.finish().toString(), "a cut-off candidate is passed on as it came");
        assertTrue(r.maxCandidateLength() < 400);
    }

    /** One to twelve of {@code parts}, drawn at random. */
    private static String randomText(Random random, String[] parts) {
        StringBuilder text = new StringBuilder();
        int n = 1 + random.nextInt(12);
        for (int i = 0; i < n; i++) {
            text.append(parts[random.nextInt(parts.length)]);
        }
        return text.toString();
    }

    /** Cut points inside {@code length} bytes, each position cut with a chance of one in {@code oneIn}. */
    private static List<Integer> randomCuts(Random random, int length, int oneIn) {
        List<Integer> cuts = new ArrayList<>();
        for (int i = 1; i < length; i++) {
            if (random.nextInt(oneIn) == 0) {
                cuts.add(i);
            }
        }
        return cuts;
    }
}
