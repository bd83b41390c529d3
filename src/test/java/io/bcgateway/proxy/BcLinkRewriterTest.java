package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.bcgateway.connection.BcEndpoint;
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
        Buffer out = Buffer.buffer();
        int from = 0;
        for (int cut : cuts) {
            out.appendBuffer(r.process(Buffer.buffer().appendBytes(bytes, from, cut - from)));
            from = cut;
        }
        out.appendBuffer(r.process(Buffer.buffer().appendBytes(bytes, from, bytes.length - from)));
        out.appendBuffer(r.finish());
        return out.toString(StandardCharsets.UTF_8);
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
            StringBuilder text = new StringBuilder();
            int n = 1 + random.nextInt(12);
            for (int i = 0; i < n; i++) {
                text.append(parts[random.nextInt(parts.length)]);
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            List<Integer> cuts = new ArrayList<>();
            for (int i = 1; i < bytes.length; i++) {
                if (random.nextInt(4) == 0) {
                    cuts.add(i);
                }
            }
            assertEquals(expected(text.toString()), run(rewriter(), bytes, cuts), "text " + text + " cuts " + cuts);
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
}
