package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.vertx.core.MultiMap;

/**
 * For any set of headers (names in any case, repeated, listed in {@code Connection} in any spelling): no hop-by-hop
 * header, no header {@code Connection} names, none of the caller's credentials or forwarding details and no
 * {@code X-Gateway-*} reaches BC, and every other header reaches it unchanged and in order. Towards the caller, no
 * hop-by-hop header and no BC cookie. Nothing throws.
 */
class HeaderFilterFuzzTest {

    /** Names the fuzzer starts from (it mutates their case and text); the rest are its own tokens. */
    private static final List<String> NAMES = List.of("Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
            "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "HTTP2-Settings", "Host",
            "Authorization", "X-API-Key", "Cookie", "Expect", "Forwarded", "X-Forwarded-For", "X-Forwarded-Host",
            "X-Forwarded-Proto", "X-Forwarded-Prefix", "X-Forwarded-Port", "X-Real-IP", "X-Gateway-Deadline",
            "Set-Cookie", "Set-Cookie2", "If-Match", "Prefer", "Accept", "Content-Type", "Isolation", "X-Foo");
    private static final Set<String> NEVER_TO_BC = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
            "http2-settings", "host", "authorization", "x-api-key", "cookie", "expect", "forwarded", "x-forwarded-for",
            "x-forwarded-host", "x-forwarded-proto", "x-forwarded-prefix", "x-forwarded-port", "x-real-ip");
    private static final Set<String> NEVER_TO_CALLER = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
            "http2-settings", "set-cookie", "set-cookie2");

    @FuzzTest(maxDuration = "2m")
    void noHopByHopOrCallerCredentialHeaderCrosses(FuzzedDataProvider data) {
        MultiMap from = MultiMap.caseInsensitiveMultiMap();
        int count = data.consumeInt(0, 24);
        for (int i = 0; i < count; i++) {
            String name = data.consumeBoolean() ? recased(data, data.pickValue(NAMES)) : token(data.consumeString(24));
            if (!name.isEmpty()) {
                from.add(name, data.consumeString(64));
            }
        }
        Set<String> listed = new java.util.HashSet<>();
        for (String value : from.getAll("connection")) {
            for (String t : value.split(",")) {
                listed.add(t.strip().toLowerCase(Locale.ROOT));
            }
        }

        MultiMap toBc = MultiMap.caseInsensitiveMultiMap();
        HeaderFilter.copyRequestHeaders(from, toBc);
        List<Map.Entry<String, String>> expected = new ArrayList<>();
        for (Map.Entry<String, String> h : from) {
            String n = h.getKey().toLowerCase(Locale.ROOT);
            if (!NEVER_TO_BC.contains(n) && !listed.contains(n) && !n.startsWith("x-gateway-")) {
                expected.add(Map.entry(h.getKey(), h.getValue()));
            }
        }
        for (Map.Entry<String, String> h : toBc) {
            String n = h.getKey().toLowerCase(Locale.ROOT);
            assertFalse(NEVER_TO_BC.contains(n) || listed.contains(n) || n.startsWith("x-gateway-"),
                    () -> h.getKey() + " reached BC");
        }
        assertEquals(expected, entries(toBc), "the headers BC should see, unchanged and in order");

        MultiMap toCaller = MultiMap.caseInsensitiveMultiMap();
        HeaderFilter.copyResponseHeaders(from, toCaller);
        for (Map.Entry<String, String> h : toCaller) {
            String n = h.getKey().toLowerCase(Locale.ROOT);
            assertFalse(NEVER_TO_CALLER.contains(n) || listed.contains(n), () -> h.getKey() + " reached the caller");
        }
    }

    private static String recased(FuzzedDataProvider data, String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            sb.append(data.consumeBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return sb.toString();
    }

    /** Only RFC 9110 token characters: the HTTP codecs refuse any other header name before the filter sees it. */
    private static String token(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static List<Map.Entry<String, String>> entries(MultiMap m) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        m.forEach(h -> out.add(Map.entry(h.getKey(), h.getValue())));
        return out;
    }
}
