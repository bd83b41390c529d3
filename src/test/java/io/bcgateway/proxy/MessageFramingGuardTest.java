package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpVersion;

/**
 * The framing check on the header maps alone (HostileInputTest sends the same cases byte for byte through a running
 * gateway): its one pass over the headers must see every Host line and both framing headers whatever their case.
 */
class MessageFramingGuardTest {

    private static String problem(HttpVersion version, String... namesAndValues) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return MessageFramingGuard.framingProblem(version, headers);
    }

    @Test
    void aRequestWithOneHostAndNoTransferCodingPasses() {
        assertNull(problem(HttpVersion.HTTP_1_1, "Host", "gw:8080"));
        assertNull(problem(HttpVersion.HTTP_1_1, "host", "gw:8080", "Content-Length", "12", "Accept", "*/*"));
        assertNull(problem(HttpVersion.HTTP_1_1, "HOST", "gw", "Transfer-Encoding", "chunked"));
        assertNull(problem(HttpVersion.HTTP_2, "Accept", "*/*"), "HTTP/2 frames its own bodies");
    }

    @Test
    void refusesNoHostSeveralHostLinesAndAHostList() {
        assertTrue(problem(HttpVersion.HTTP_1_1, "Accept", "*/*").contains("no Host"));
        assertTrue(problem(HttpVersion.HTTP_1_1, "Host", "a", "Accept", "*/*", "hOsT", "b").contains("more than one"));
        assertTrue(problem(HttpVersion.HTTP_1_0, "Host", "a, b").contains("more than one"));
    }

    @Test
    void refusesTransferEncodingWithContentLengthOrOnHttp10OrNotEndingInChunked() {
        assertTrue(problem(HttpVersion.HTTP_1_1, "Host", "a", "content-length", "5", "TRANSFER-ENCODING", "chunked")
                .contains("both"));
        assertTrue(problem(HttpVersion.HTTP_1_0, "Host", "a", "transfer-encoding", "chunked").contains("HTTP/1.0"));
        assertNotNull(problem(HttpVersion.HTTP_1_1, "Host", "a", "Transfer-Encoding", "chunked, gzip"));
        assertNotNull(problem(HttpVersion.HTTP_1_1, "Host", "a", "Transfer-Encoding", "chunked",
                "transfer-encoding", "chunked"));
    }
}
