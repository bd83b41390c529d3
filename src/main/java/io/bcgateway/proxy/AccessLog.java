package io.bcgateway.proxy;

import org.jboss.logging.Logger;

/**
 * One line per proxied request on the {@code io.bcgateway.access} category (turn it off or route it with the usual
 * {@code quarkus.log.category} settings; JSON output comes with the log handler's format). The path is a template:
 * keys in parentheses become {@code (*)} and the query is left out, so no record id, filter value or other
 * business data lands in the log, and the line's shape stays the same for every call of a kind.
 */
public final class AccessLog {

    private static final Logger LOG = Logger.getLogger("io.bcgateway.access");

    private AccessLog() {
    }

    public static boolean enabled() {
        return LOG.isInfoEnabled();
    }

    /** {@code /bc/sim/api/v2.0/companies(5a1…)/customers} → {@code /bc/sim/api/v2.0/companies(*)/customers}. */
    static String template(String path) {
        // Keys arrive with their parentheses plain or percent-encoded, depending on the caller's client.
        String literal = path.indexOf('%') < 0 ? path : path.replace("%28", "(").replace("%29", ")");
        int open = literal.indexOf('(');
        if (open < 0) {
            return literal;
        }
        // What the regex \([^/)]*\) → "(*)" did, in one pass without a Matcher per request: a key is a '(' up to
        // the next ')' with no '/' in between.
        StringBuilder sb = new StringBuilder(literal.length());
        int copied = 0;
        while (open >= 0) {
            int end = open + 1;
            while (end < literal.length() && literal.charAt(end) != ')' && literal.charAt(end) != '/') {
                end++;
            }
            if (end < literal.length() && literal.charAt(end) == ')') {
                sb.append(literal, copied, open).append("(*)");
                copied = end + 1;
                open = literal.indexOf('(', copied);
            } else {
                open = literal.indexOf('(', open + 1);
            }
        }
        return sb.append(literal, copied, literal.length()).toString();
    }

    public static void log(String method, String connection, String path, int status, long startNanos, int attempts,
            String bcRequestId, String caller) {
        // Concatenated rather than infof: java.util.Formatter costs more than the rest of the line's work.
        LOG.info(method + ' ' + template(path) + " connection=" + connection + " status=" + status + " duration_ms="
                + (System.nanoTime() - startNanos) / 1_000_000 + " attempts=" + attempts + " bc_request_id="
                + (bcRequestId == null ? "-" : bcRequestId) + " caller=" + caller);
    }
}
