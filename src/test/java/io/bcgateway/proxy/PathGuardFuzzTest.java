package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Optional;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.bcgateway.connection.BcEndpoint;

/**
 * The path guard as a request meets it: the whole target first ({@link RequestTargetGuard}, before routing), then
 * the part after {@code /bc/{connection}/} ({@code ProxyRoute}). Whatever it lets through, once percent-decoded,
 * has no dot segment, no backslash and no control character, and lands under {@code {base-url}/v2.0/{environment}/}.
 * A refusal is a reason (the 400's detail), never an exception.
 */
class PathGuardFuzzTest {

    private static final BcEndpoint BC = BcEndpoint.of("https://api.businesscentral.example/base",
            Optional.of("production"));
    private static final String PREFIX = "/base/v2.0/production/";

    @FuzzTest(maxDuration = "2m")
    void acceptedPathsStayUnderTheEnvironment(FuzzedDataProvider data) {
        String target = "/bc/contoso/" + data.consumeRemainingAsString();
        if (PathGuard.rejectTarget(target) != null) {
            return;
        }
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        String rest = path.substring("/bc/contoso/".length());
        if (PathGuard.rejectPath(rest) != null || PathGuard.rejectQuery(query) != null) {
            return;
        }

        String decoded = percentDecoded(rest);
        for (String segment : decoded.split("/", -1)) {
            assertFalse(segment.equals(".") || segment.equals(".."), () -> "dot segment in " + show(rest));
        }
        assertFalse(decoded.indexOf('\\') >= 0, () -> "backslash in " + show(rest));
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            assertFalse(c < 0x20 || c == 0x7f, () -> "control character in " + show(rest));
        }
        assertFalse(decoded.startsWith("/"), () -> "empty first segment in " + show(rest));
        String upstream = BC.upstreamUri(rest, query);
        assertTrue(upstream.startsWith(PREFIX), () -> "upstream " + show(upstream));
        String upstreamPath = percentDecoded(q < 0 ? upstream : upstream.substring(0, upstream.indexOf('?')));
        assertTrue(withoutDotSegments(upstreamPath).startsWith(PREFIX), () -> "upstream resolves outside: " + show(upstream));
    }

    /** Percent-decoding as a server would do it once: {@code %XX} to its byte, stray {@code %} kept, bytes as UTF-8. */
    static String percentDecoded(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16) >= 0 && c < 0x80 ? Character.digit(c, 16) : -1;
    }

    /** RFC 3986 section 5.2.4, as BC (or anything between) would resolve the path. */
    static String withoutDotSegments(String path) {
        java.util.Deque<String> out = new java.util.ArrayDeque<>();
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                if (out.size() > 1) {
                    out.removeLast();
                }
            } else if (!segment.equals(".")) {
                out.addLast(segment);
            }
        }
        return String.join("/", out);
    }

    private static String show(String s) {
        StringBuilder sb = new StringBuilder("'");
        s.chars().forEach(c -> sb.append(c < 0x20 || c >= 0x7f ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return sb.append('\'').toString();
    }
}
