package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.vertx.core.MultiMap;

class HeaderFilterTest {

    private static MultiMap forwarded(MultiMap in) {
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        HeaderFilter.copyRequestHeaders(in, out);
        return out;
    }

    @Test
    void dropsHopByHopHeadersWhateverTheirCase() {
        MultiMap in = MultiMap.caseInsensitiveMultiMap()
                .add("connection", "keep-alive").add("Keep-Alive", "timeout=5").add("TE", "trailers")
                .add("trailer", "X-Sum").add("Transfer-Encoding", "chunked").add("UPGRADE", "h2c")
                .add("Proxy-Authorization", "Basic Zm9vOmJhcg==").add("Proxy-Connection", "keep-alive")
                .add("Accept", "application/json");
        MultiMap out = forwarded(in);
        assertEquals(1, out.size(), () -> "left: " + out.names());
        assertEquals("application/json", out.get("accept"));
    }

    @Test
    void dropsHeadersListedInConnection() {
        MultiMap in = MultiMap.caseInsensitiveMultiMap()
                .add("Connection", "close, X-Internal-Trace").add("Connection", " x-other ")
                .add("x-internal-trace", "abc").add("X-Other", "1").add("X-Kept", "2");
        MultiMap out = forwarded(in);
        assertFalse(out.contains("X-Internal-Trace"));
        assertFalse(out.contains("X-Other"));
        assertEquals("2", out.get("X-Kept"));
    }

    @Test
    void aConnectionHeaderListingOnlyHopByHopNamesListsNothingElse() {
        assertTrue(HeaderFilter.connectionListed(MultiMap.caseInsensitiveMultiMap().add("Connection", "Keep-Alive"))
                .isEmpty());
        assertEquals(java.util.Set.of("close"),
                HeaderFilter.connectionListed(MultiMap.caseInsensitiveMultiMap().add("Connection", "close")));
        assertEquals(java.util.Set.of("keep-alive", "x-foo"), HeaderFilter.connectionListed(
                MultiMap.caseInsensitiveMultiMap().add("Connection", "keep-alive").add("Connection", "X-Foo")));
        MultiMap answer = MultiMap.caseInsensitiveMultiMap().add("Connection", "keep-alive")
                .add("Keep-Alive", "timeout=5").add("Content-Type", "application/json");
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        HeaderFilter.copyResponseHeaders(answer, out);
        assertEquals(1, out.size());
        assertEquals("application/json", out.get("Content-Type"));
    }

    @Test
    void neverForwardsTheCallersCredentialsHostOrForwardingInfo() {
        MultiMap in = MultiMap.caseInsensitiveMultiMap()
                .add("Authorization", "Bearer caller-token").add("Cookie", "session=1").add("Host", "gw:8080")
                .add("X-Forwarded-For", "10.0.0.1").add("X-Forwarded-Host", "evil.example")
                .add("Forwarded", "for=1.2.3.4").add("Expect", "100-continue").add("X-Gateway-Deadline", "5s");
        assertTrue(forwarded(in).isEmpty(), () -> "left: " + forwarded(in).names());
    }

    @Test
    void forwardsBusinessCentralRequestHeadersUnchanged() {
        MultiMap in = MultiMap.caseInsensitiveMultiMap()
                .add("If-Match", "W/\"JzQ0O0VnQUFBQUo3\"").add("Prefer", "odata.maxpagesize=100")
                .add("Accept", "application/json").add("Accept-Language", "da-DK")
                .add("Content-Type", "application/json").add("Data-Access-Intent", "ReadOnly")
                .add("Isolation", "snapshot").add("Content-Length", "42");
        MultiMap out = forwarded(in);
        assertEquals(8, out.size());
        assertEquals("W/\"JzQ0O0VnQUFBQUo3\"", out.get("if-match"));
        assertEquals("ReadOnly", out.get("DATA-ACCESS-INTENT"));
    }

    @Test
    void responseKeepsBcHeadersButDropsCookiesAndHopByHop() {
        MultiMap in = MultiMap.caseInsensitiveMultiMap()
                .add("Content-Type", "application/json").add("request-id", "abc").add("Retry-After", "5")
                .add("ETag", "W/\"x\"").add("Set-Cookie", "ARRAffinity=1").add("Connection", "keep-alive, X-Bc-Internal")
                .add("X-Bc-Internal", "1").add("Transfer-Encoding", "chunked").add("WWW-Authenticate", "Bearer");
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        HeaderFilter.copyResponseHeaders(in, out);
        assertEquals(5, out.size(), () -> "got: " + out.names());
        assertTrue(out.contains("retry-after"));
        assertTrue(out.contains("www-authenticate"));
        assertFalse(out.contains("set-cookie"));
    }

    @Test
    void dropsAHeaderListedInAConnectionLineThatComesAfterIt() {
        // The one-pass copy has forwarded X-Internal-Trace by the time it reads the Connection line naming it.
        MultiMap in = MultiMap.caseInsensitiveMultiMap()
                .add("X-Internal-Trace", "abc").add("Accept", "application/json").add("Connection", "keep-alive")
                .add("Connection", "x-internal-trace");
        MultiMap out = forwarded(in);
        assertFalse(out.contains("X-Internal-Trace"));
        assertEquals(1, out.size(), () -> "left: " + out.names());
        MultiMap answer = MultiMap.caseInsensitiveMultiMap()
                .add("X-Bc-Internal", "1").add("Content-Type", "application/json")
                .add("Connection", "keep-alive, X-Bc-Internal");
        MultiMap toCaller = MultiMap.caseInsensitiveMultiMap();
        HeaderFilter.copyResponseHeaders(answer, toCaller);
        assertEquals(java.util.List.of("Content-Type"), new java.util.ArrayList<>(toCaller.names()));
    }

    @Test
    void keepsWhatTheTargetAlreadyHeldWhenConnectionListsANameItHolds() {
        MultiMap answer = MultiMap.caseInsensitiveMultiMap()
                .add("X-Trace", "from-bc").add("Connection", "X-Trace").add("ETag", "W/\"1\"");
        MultiMap toCaller = MultiMap.caseInsensitiveMultiMap().add("X-Trace", "the gateway's own");
        HeaderFilter.copyResponseHeaders(answer, toCaller);
        assertEquals(java.util.List.of("the gateway's own"), toCaller.getAll("X-Trace"));
        assertEquals("W/\"1\"", toCaller.get("ETag"));
    }

    @Test
    void aConnectionLineIsOneHopByHopNameOnlyInAsciiAndWithoutAList() {
        assertTrue(HeaderFilter.namesOneHopByHop("keep-alive"));
        assertTrue(HeaderFilter.namesOneHopByHop(" Keep-Alive "));
        assertTrue(HeaderFilter.namesOneHopByHop("Upgrade"));
        assertFalse(HeaderFilter.namesOneHopByHop("close"), "close is no header name: it lists itself");
        assertFalse(HeaderFilter.namesOneHopByHop("keep-alive, X-Foo"));
        assertFalse(HeaderFilter.namesOneHopByHop("keep-alive,"));
        assertFalse(HeaderFilter.namesOneHopByHop(""));
        assertFalse(HeaderFilter.namesOneHopByHop("keep-al\u0130ve"), "a non-ASCII look-alike takes the exact way");
    }
}
