package io.bcgateway.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * BC-style weak ETags. BC's are {@code W/"<base64 of '<n>;<row version>;00;'>"}, for example
 * {@code W/"JzE5OzgzMTM5MjY4MTQ1NzY2MDMzNDIxOzAwOyc="} (bc-facts); a new row version means a new ETag.
 */
final class Etags {

    private Etags() { }

    static String forVersion(long rowVersion) {
        String digits = Long.toUnsignedString(rowVersion) + "21";
        String payload = "'" + digits.length() + ";" + digits + ";00;'";
        return "W/\"" + Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.US_ASCII)) + "\"";
    }

    /** If-Match semantics: "*" or any listed tag equal to the current one (weak comparison ignores W/). */
    static boolean matches(String ifMatch, String current) {
        String cur = strip(current);
        for (String candidate : ifMatch.split(",")) {
            String c = candidate.trim();
            if (c.equals("*") || strip(c).equals(cur)) {
                return true;
            }
        }
        return false;
    }

    private static String strip(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
