package io.bcgateway.problem;

import io.bcgateway.throttle.AdmissionRejectedException;
import io.bcgateway.token.TokenException;

/** The catalogue of the gateway's own errors: one place that decides each status and type. */
public final class Problems {

    private Problems() {
    }

    public static Problem unknownConnection(String connection) {
        return Problem.of(404, ProblemType.UNKNOWN_CONNECTION, "Unknown connection",
                "No Business Central connection named '" + connection + "' is configured.")
                .with("connection", connection);
    }

    public static Problem badRequest(String connection, String detail) {
        return Problem.of(400, ProblemType.BAD_REQUEST, "Bad request", detail).with("connection", connection);
    }

    /**
     * A token could not be obtained. Entra ID refusing the credentials is a 502 (the gateway's upstream
     * identity provider said no; retrying will not help until the configuration is fixed); Entra ID being
     * unreachable or throttling is a 503 (try again later).
     */
    public static Problem token(String connection, TokenException e) {
        boolean rejected = e.kind() == TokenException.Kind.REJECTED;
        Problem p = rejected
                ? Problem.of(502, ProblemType.TOKEN_REJECTED, "Entra ID rejected the connection's credentials",
                        "Connection '" + connection + "': " + e.getMessage())
                : Problem.of(503, ProblemType.TOKEN_UNAVAILABLE, "Entra ID is unavailable",
                        "Connection '" + connection + "': " + e.getMessage());
        p.with("connection", connection)
                .with("aadstsCode", e.aadstsCode().orElse(null))
                .with("entraError", e.entraError().orElse(null));
        if (!rejected) {
            p.retryAfter(5);
        }
        return p;
    }

    /**
     * The gateway will not send the request within the caller's deadline (BC's per-principal limits, or BC's own
     * Retry-After). BC never saw it.
     */
    public static Problem throttled(String connection, AdmissionRejectedException e) {
        return Problem.of(429, ProblemType.THROTTLED, "Business Central's limits leave no room before the deadline",
                "Connection '" + connection + "': " + e.getMessage() + ". Retry after " + e.retryAfterSeconds()
                        + " s, or allow more time with the X-Gateway-Deadline header.")
                .with("connection", connection).retryAfter(e.retryAfterSeconds());
    }

    /** BC has been failing; the circuit is open and nothing is sent until it half-opens. */
    public static Problem circuitOpen(String connection, java.time.Duration delay) {
        long seconds = Math.max(1, (delay.toMillis() + 999) / 1000);
        return Problem.of(503, ProblemType.CIRCUIT_OPEN, "Business Central is failing; calls are paused",
                "Connection '" + connection + "': too many recent calls failed with server errors or timeouts.")
                .with("connection", connection).retryAfter(seconds);
    }

    public static Problem upstreamUnreachable(String connection, String detail) {
        return Problem.of(502, ProblemType.BC_UNREACHABLE, "Business Central is unreachable",
                "Connection '" + connection + "': " + detail).with("connection", connection);
    }

    public static Problem upstreamTimeout(String connection) {
        return Problem.of(504, ProblemType.BC_TIMEOUT, "Business Central did not answer in time",
                "Connection '" + connection + "': no response within the configured read timeout.")
                .with("connection", connection);
    }

    /** No credentials, or credentials the gateway does not accept; never says which part of a credential was wrong. */
    public static Problem unauthenticated(String detail) {
        return Problem.of(401, ProblemType.UNAUTHENTICATED, "Caller not authenticated", detail);
    }

    /** The caller is known but its policy does not allow this request; names the rule that says no. */
    public static Problem forbidden(String caller, String connection, String rule, String detail) {
        return Problem.of(403, ProblemType.FORBIDDEN, "Not allowed for this caller", detail)
                .with("caller", caller).with("connection", connection).with("rule", rule);
    }

    /** The caller's own rate limit (not Business Central's) is used up for now. */
    public static Problem callerRateLimited(String caller, String rule, long retryAfterSeconds) {
        return Problem.of(429, ProblemType.CALLER_RATE_LIMITED, "This caller's rate limit is used up",
                "Caller '" + caller + "' has reached its rate limit. Retry after " + retryAfterSeconds + " s.")
                .with("caller", caller).with("rule", rule).retryAfter(retryAfterSeconds);
    }
}
