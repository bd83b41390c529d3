package io.bcgateway.token;

import java.time.Duration;
import java.time.Instant;

/**
 * A bearer token for one connection, with the instants that govern its use. {@link #toString()} never shows the
 * token itself, so a token cannot reach a log line through string concatenation.
 *
 * @param value the raw access token (a JWT), to be sent only to the connection's Business Central
 * @param refreshAt from here on a replacement is fetched in the background while this one is still used
 * @param usableUntil from here on this token is never sent (it is about to expire)
 * @param expiresAt the expiry Entra ID stated
 * @param authorization the {@code Authorization} header value that carries it ({@code Bearer <value>}): made once
 *        per token rather than once per request (a token is 1-2 KB, and so was that string per request)
 */
public record AccessToken(String value, Instant refreshAt, Instant usableUntil, Instant expiresAt,
        String authorization) {

    public AccessToken {
        if (authorization.length() != value.length() + 7 || !authorization.startsWith("Bearer ")
                || !authorization.endsWith(value)) {
            throw new IllegalArgumentException("authorization must be \"Bearer \" followed by the token");
        }
    }

    public AccessToken(String value, Instant refreshAt, Instant usableUntil, Instant expiresAt) {
        this(value, refreshAt, usableUntil, expiresAt, "Bearer " + value);
    }

    /**
     * Derives the refresh and cut-off instants for a token received at {@code receivedAt} and valid for
     * {@code lifetime}. Margins are capped relative to the lifetime so that short-lived tokens (tests, some
     * tenants' policies) still get most of their life used.
     */
    public static AccessToken of(String value, Instant receivedAt, Duration lifetime, Duration refreshAhead,
            Duration safetyMargin) {
        Instant expiresAt = receivedAt.plus(lifetime);
        Duration margin = min(safetyMargin, lifetime.dividedBy(10));
        Duration ahead = max(min(refreshAhead, lifetime.dividedBy(2)), margin);
        return new AccessToken(value, expiresAt.minus(ahead), expiresAt.minus(margin), expiresAt);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public String toString() {
        return "AccessToken[expiresAt=" + expiresAt + "]";
    }
}
