package io.bcgateway.resilience;

import io.vertx.core.http.HttpMethod;

/**
 * Which failed attempts may be sent again. The rule is whether BC can have executed the request (bc-facts):
 *
 * <table>
 * <caption>Retry rules</caption>
 * <tr><th>outcome of the attempt</th><th>BC executed it?</th><th>replayed</th></tr>
 * <tr><td>429 Too Many Requests</td><td>no</td><td>every method, POST included</td></tr>
 * <tr><td>503 that BC marks as throttling / queue full</td><td>no</td><td>every method</td></tr>
 * <tr><td>connection refused or not opened (nothing sent)</td><td>no</td><td>every method</td></tr>
 * <tr><td>other 5xx, timeout, connection reset after sending</td><td>unknown</td><td>idempotent only: GET, HEAD,
 * PUT, DELETE, and PATCH with a concrete {@code If-Match}; never POST</td></tr>
 * <tr><td>any other status (2xx, 3xx, 4xx)</td><td>yes / final</td><td>never</td></tr>
 * </table>
 *
 * A PATCH with a concrete ETag is safe to repeat: if the first one was applied the ETag no longer matches and BC
 * answers 409/412 instead of applying it twice. {@code If-Match: *} offers no such protection.
 */
public final class RetryPolicy {

    /** What happened to one attempt, as far as retrying is concerned. */
    public enum Outcome {
        /** BC refused before executing: 429, or a 503 for throttling / queue full. */
        NOT_EXECUTED,
        /** The request never left the gateway (connection could not be opened). */
        NOT_SENT,
        /** It may or may not have been executed: another 5xx, a timeout, a reset after sending. */
        UNKNOWN,
        /** A final answer. */
        FINAL
    }

    private RetryPolicy() {
    }

    public static boolean mayRetry(Outcome outcome, HttpMethod method, String ifMatch) {
        return switch (outcome) {
            case NOT_EXECUTED, NOT_SENT -> true;
            case UNKNOWN -> isIdempotent(method, ifMatch);
            case FINAL -> false;
        };
    }

    static boolean isIdempotent(HttpMethod method, String ifMatch) {
        if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.PUT
                || method == HttpMethod.DELETE) {
            return true;
        }
        return method == HttpMethod.PATCH && ifMatch != null && !ifMatch.isBlank() && !ifMatch.strip().equals("*");
    }

    /** Classifies a status code BC answered; {@code bcErrorCode} is the {@code error.code} of its body, if read. */
    public static Outcome ofStatus(int status, String bcErrorCode) {
        if (status == 429) {
            return Outcome.NOT_EXECUTED;
        }
        if (status == 503 && bcErrorCode != null && isThrottlingCode(bcErrorCode)) {
            return Outcome.NOT_EXECUTED;
        }
        return status >= 500 ? Outcome.UNKNOWN : Outcome.FINAL;
    }

    /** BC's codes for "too many requests" and "waited too long in the queue": the request did not run. */
    static boolean isThrottlingCode(String code) {
        return code.equals("Application_TooManyRequests") || code.startsWith("Application_TooMany")
                || code.contains("QueueTimeout") || code.contains("Throttl");
    }
}
