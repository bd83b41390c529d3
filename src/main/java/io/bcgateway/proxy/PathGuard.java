package io.bcgateway.proxy;

/**
 * Refuses caller paths that could leave the connection's API prefix or be read differently by another server:
 * dot segments (plain or percent-encoded; checked once for every route by {@link RequestTargetGuard}, before
 * routing), encoded slashes and backslashes, backslashes, and control characters (raw or percent-encoded).
 * The query string is forwarded unchanged, but must not carry control characters either.
 */
public final class PathGuard {

    private PathGuard() {
    }

    /** Why {@code rest} (the raw path after the connection) is refused, or null when it may be forwarded. */
    public static String rejectPath(String rest) {
        if (rest.isEmpty()) {
            return "the path must name a Business Central resource after the connection, e.g. api/v2.0/companies";
        }
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                return "the path contains a control character or a backslash";
            }
        }
        // Percent-encoded, the same bytes would reach BC and be decoded there: %2F and %5C would cut the path where
        // the gateway saw none, and %0D%0A, %09, %00 or %7F are control characters like their raw forms.
        for (int i = rest.indexOf('%'); i >= 0 && i + 2 < rest.length(); i = rest.indexOf('%', i + 1)) {
            int high = hexDigit(rest.charAt(i + 1));
            int low = hexDigit(rest.charAt(i + 2));
            if (high < 0 || low < 0) {
                continue; // not an escape: BC refuses or keeps a stray '%'
            }
            int c = high * 16 + low;
            if (c == '/' || c == '\\') {
                return "the path contains an encoded slash or backslash";
            }
            if (c < 0x20 || c == 0x7f) {
                return "the path contains an encoded control character";
            }
        }
        if (rest.startsWith("/")) {
            return "the path contains an empty segment";
        }
        return null;
    }

    private static int hexDigit(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /**
     * Why the request target is refused, or null. Only origin-form targets ({@code /path?query}) are accepted:
     * an absolute-form target ({@code GET http://host/...}) names a host, and the upstream host is never taken
     * from the caller.
     */
    public static String rejectTarget(String uri) {
        if (uri == null || !uri.startsWith("/")) {
            return "only origin-form request targets (/bc/...) are accepted";
        }
        int end = uri.indexOf('?');
        if (end < 0) {
            end = uri.length();
        }
        // Segment by segment in place (no split, no lower-cased copy: this runs for every request).
        int segment = 1;
        for (int i = 1; i <= end; i++) {
            if (i == end || uri.charAt(i) == '/') {
                if (isDotSegment(uri, segment, i)) {
                    return "the path contains a '.' or '..' segment";
                }
                segment = i + 1;
            }
        }
        return null;
    }

    /** {@code .} or {@code ..}, each dot plain or percent-encoded ({@code %2e}, {@code %2E}). */
    private static boolean isDotSegment(String s, int from, int to) {
        int dots = 0;
        int i = from;
        while (i < to) {
            if (s.charAt(i) == '.') {
                i++;
            } else if (i + 3 <= to && s.charAt(i) == '%' && s.charAt(i + 1) == '2'
                    && (s.charAt(i + 2) == 'e' || s.charAt(i + 2) == 'E')) {
                i += 3;
            } else {
                return false;
            }
            if (++dots > 2) {
                return false;
            }
        }
        return dots > 0;
    }

    /** Why a header value is refused, or null: CR, LF and other control characters (except tab) never pass. */
    public static String rejectHeaders(io.vertx.core.MultiMap headers) {
        for (java.util.Map.Entry<String, String> h : headers) {
            String v = h.getValue();
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    return "the header '" + h.getKey() + "' contains a control character";
                }
            }
        }
        return null;
    }

    /** Why {@code rawQuery} is refused, or null. */
    public static String rejectQuery(String rawQuery) {
        if (rawQuery == null) {
            return null;
        }
        for (int i = 0; i < rawQuery.length(); i++) {
            char c = rawQuery.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "the query string contains a control character";
            }
        }
        return null;
    }
}
