package io.bcgateway.security;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Business Central path pattern of a caller policy: {@code *} matches any characters within one path segment,
 * a segment {@code **} matches any number of segments (none included), so {@code companies(*)/customers/**} covers
 * the collection, each customer and everything below it. Matching ignores case, as BC's URLs do.
 *
 * <p>Patterns are matched against the percent-decoded path, so {@code %63ustomers} is {@code customers} here as it
 * is at BC; encoded slashes, dots and backslashes never get this far (the path guard refuses them).
 */
final class PathPattern {

    private static final String ANY_SEGMENTS = "**";

    private final String source;
    /** One entry per segment: null for {@code **}, else a regex for the segment. */
    private final Pattern[] segments;

    private PathPattern(String source, Pattern[] segments) {
        this.source = source;
        this.segments = segments;
    }

    static PathPattern compile(String pattern) {
        String p = pattern.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.isEmpty()) {
            throw new IllegalArgumentException("an empty path pattern matches nothing; use ** for every path");
        }
        String[] parts = p.split("/", -1);
        Pattern[] compiled = new Pattern[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty()) {
                throw new IllegalArgumentException("path pattern '" + pattern + "' has an empty segment");
            }
            if (part.equals(ANY_SEGMENTS)) {
                continue;
            }
            if (part.contains(ANY_SEGMENTS)) {
                throw new IllegalArgumentException("in path pattern '" + pattern + "', ** must be a whole segment");
            }
            StringBuilder regex = new StringBuilder();
            String[] literals = part.split("\\*", -1); // n stars separate n + 1 literals
            for (int j = 0; j < literals.length; j++) {
                if (j > 0) {
                    regex.append("[^/]*");
                }
                if (!literals[j].isEmpty()) {
                    regex.append(Pattern.quote(literals[j].toLowerCase(Locale.ROOT)));
                }
            }
            compiled[i] = Pattern.compile(regex.toString());
        }
        return new PathPattern(pattern.strip(), compiled);
    }

    /** A decoded path (no leading slash, no query) as the lower-cased segments {@link #matches(String[])} takes. */
    static String[] segments(String decodedPath) {
        return decodedPath.isEmpty() ? new String[0] : decodedPath.toLowerCase(Locale.ROOT).split("/", -1);
    }

    /** Whether {@code decodedPath} (no leading slash, no query) matches. */
    boolean matches(String decodedPath) {
        return matches(segments(decodedPath));
    }

    /** Whether the path's {@link #segments} match: split once per request, however many patterns there are. */
    boolean matches(String[] path) {
        return matches(path, 0, 0);
    }

    private boolean matches(String[] path, int pi, int si) {
        if (si == segments.length) {
            return pi == path.length;
        }
        if (segments[si] == null) {
            // ** : try every number of segments, fewest first; patterns are short, so this stays cheap.
            for (int skip = pi; skip <= path.length; skip++) {
                if (matches(path, skip, si + 1)) {
                    return true;
                }
            }
            return false;
        }
        return pi < path.length && segments[si].matcher(path[pi]).matches() && matches(path, pi + 1, si + 1);
    }

    @Override
    public String toString() {
        return source;
    }
}
