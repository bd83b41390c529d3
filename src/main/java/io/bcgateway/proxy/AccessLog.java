package io.bcgateway.proxy;

import org.jboss.logging.Logger;

/**
 * One line per proxied request. The path is a template: keys in parentheses become {@code (*)} and the query is left
 * out, so no record id, filter value or other business data lands in the log, and the line's shape stays the same
 * for every call of a kind.
 *
 * <p>Where the line goes is {@code gateway.access-log.output} ({@link AccessLogOutput}): by default the gateway's own
 * batched writer to stdout ({@link StdoutAccessLog}), or the {@code io.bcgateway.access} logging category (JSON
 * logging, files, syslog), or nowhere. The category's level applies to both: {@code quarkus.log.category.
 * "io.bcgateway.access".level=OFF} turns the line off as it always did.
 */
public final class AccessLog {

    static final String CATEGORY = "io.bcgateway.access";
    private static final Logger LOG = Logger.getLogger(CATEGORY);

    /** The batched writer while the output is stdout, else null. */
    private static volatile StdoutAccessLog stdout;
    private static volatile boolean off;

    private AccessLog() {
    }

    public static boolean enabled() {
        return !off && LOG.isInfoEnabled();
    }

    /** From now on, lines go to {@code writer} (null: to the logging category), or nowhere when {@code none}. */
    static void use(StdoutAccessLog writer, boolean none) {
        off = none;
        stdout = writer;
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

    /**
     * The request's line: {@code GET /bc/sim/api/v2.0/companies(*)/customers connection=sim status=200
     * duration_ms=20 attempts=1 bc_request_id=<BC's request-id or -> caller=<configured caller name>}; status 0: the
     * answer never completed.
     */
    public static void log(String method, String connection, String path, int status, long startNanos, int attempts,
            String bcRequestId, String caller) {
        long durationMillis = (System.nanoTime() - startNanos) / 1_000_000;
        StdoutAccessLog writer = stdout;
        if (writer != null) {
            writer.append(method, connection, path, status, durationMillis, attempts, bcRequestId, caller,
                    Thread.currentThread().getName());
            return;
        }
        // Concatenated rather than infof: java.util.Formatter costs more than the rest of the line's work.
        LOG.info(method + ' ' + template(path) + " connection=" + connection + " status=" + status + " duration_ms="
                + durationMillis + " attempts=" + attempts + " bc_request_id="
                + (bcRequestId == null ? "-" : bcRequestId) + " caller=" + caller);
    }
}
