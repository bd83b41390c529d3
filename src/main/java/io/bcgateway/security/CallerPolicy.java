package io.bcgateway.security;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

/**
 * What one caller may do: which connections, which methods, which Business Central paths, at what rate. Everything
 * not allowed is denied, with the rule that denies it.
 */
public final class CallerPolicy {

    private static final Logger LOG = Logger.getLogger("io.bcgateway.security");
    static final Set<String> ALL_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

    private final String caller;
    private final Set<String> connections;
    private final Set<String> methods;
    private final List<PathPattern> paths;
    private final CallerRateLimiter rateLimit;
    private final boolean unrestricted;

    CallerPolicy(String caller, Set<String> connections, Set<String> methods, List<PathPattern> paths,
            CallerRateLimiter rateLimit) {
        this.caller = caller;
        this.connections = connections.stream().map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        this.methods = Set.copyOf(methods);
        this.paths = List.copyOf(paths);
        this.rateLimit = rateLimit;
        this.unrestricted = this.connections.contains("*") && this.methods.containsAll(ALL_METHODS)
                && this.paths.stream().anyMatch(p -> p.toString().equals("**"));
    }

    /** The policy of {@code none} mode: the sidecar's app may do anything the connections may. */
    static CallerPolicy everything(String caller) {
        return new CallerPolicy(caller, Set.of("*"), ALL_METHODS, List.of(PathPattern.compile("**")), null);
    }

    /** Whether nothing is restricted (then batch bodies need not be read to check their operations). */
    public boolean unrestricted() {
        return unrestricted;
    }

    /** Whether the caller may use the connection at all (no log line: for choosing, not for refusing). */
    public boolean allowsConnection(String connection) {
        return connections.contains("*") || connections.contains(connection.toLowerCase(Locale.ROOT));
    }

    /** Null when the connection is allowed. */
    public Denial denyConnection(String connection) {
        if (allowsConnection(connection)) {
            return null;
        }
        return logged(connection, "-", new Denial(key("connections"), "Caller '" + caller
                + "' may not use connection '" + connection + "'."));
    }

    /** Null when {@code method} on {@code rawPath} (after {@code /bc/{connection}/}, no query) is allowed. */
    public Denial denyRequest(String connection, String method, String rawPath) {
        if (unrestricted && ALL_METHODS.contains(method) && rawPath.indexOf('%') < 0) {
            // Every connection, method and path (mode none, the sidecar's case): "**" matches any path, so the path
            // need not be lower-cased and split per request (~1 KB of allocation, issue #15). A path with escapes
            // still goes the whole way: malformed escapes are refused whatever the policy.
            return null;
        }
        Denial denied = denyConnection(connection);
        if (denied != null) {
            return denied;
        }
        if (!methods.contains(method.toUpperCase(Locale.ROOT))) {
            return logged(connection, method, new Denial(key("methods"), "Caller '" + caller + "' may not use "
                    + method + "; allowed: " + String.join(", ", methods.stream().sorted().toList()) + "."));
        }
        String decoded = decode(rawPath);
        String[] segments = decoded == null ? null : PathPattern.segments(decoded);
        if (segments == null || paths.stream().noneMatch(p -> p.matches(segments))) {
            return logged(connection, method, new Denial(key("paths"), "Caller '" + caller
                    + "' may not reach this path; allowed: "
                    + paths.stream().map(PathPattern::toString).collect(Collectors.joining(", ")) + "."));
        }
        return null;
    }

    /** One line per denial: who, where, which rule; never the path (it may hold record ids) nor a credential. */
    private Denial logged(String connection, String method, Denial denial) {
        LOG.infof("denied caller=%s connection=%s method=%s rule=%s", caller, connection, method, denial.rule());
        return denial;
    }

    /** Zero when the caller's own rate limit admits one more request, else how long until it will. */
    public Duration takeRate() {
        return rateLimit == null ? Duration.ZERO : rateLimit.tryAcquire();
    }

    public String rateRule() {
        return key("rate-limit");
    }

    private String key(String property) {
        return "gateway.caller-auth.callers." + caller + "." + property;
    }

    /** Percent-decoded ({@code +} stays a plus, as in a path); null when the escapes are malformed. */
    private static String decode(String rawPath) {
        String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        if (path.indexOf('%') < 0) {
            return path;
        }
        try {
            return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
