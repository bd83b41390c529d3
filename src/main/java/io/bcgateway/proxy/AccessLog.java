package io.bcgateway.proxy;

import java.util.regex.Pattern;

import org.jboss.logging.Logger;

/**
 * One line per proxied request on the {@code io.bcgateway.access} category (turn it off or route it with the usual
 * {@code quarkus.log.category} settings; JSON output comes with the log handler's format). The path is a template:
 * keys in parentheses become {@code (*)} and the query is left out, so no record id, filter value or other
 * business data lands in the log, and the line's shape stays the same for every call of a kind.
 */
final class AccessLog {

    private static final Logger LOG = Logger.getLogger("io.bcgateway.access");
    private static final Pattern KEY = Pattern.compile("\\([^/)]*\\)");

    private AccessLog() {
    }

    static boolean enabled() {
        return LOG.isInfoEnabled();
    }

    /** {@code /bc/sim/api/v2.0/companies(5a1…)/customers} → {@code /bc/sim/api/v2.0/companies(*)/customers}. */
    static String template(String path) {
        // Keys arrive with their parentheses plain or percent-encoded, depending on the caller's client.
        String literal = path.replace("%28", "(").replace("%29", ")");
        return KEY.matcher(literal).replaceAll("(*)");
    }

    static void log(String method, String connection, String path, int status, long startNanos, int attempts,
            String bcRequestId) {
        LOG.infof("%s %s connection=%s status=%d duration_ms=%d attempts=%d bc_request_id=%s", method, template(path),
                connection, status, (System.nanoTime() - startNanos) / 1_000_000, attempts,
                bcRequestId == null ? "-" : bcRequestId);
    }
}
