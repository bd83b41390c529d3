package io.bcgateway.token;

import java.time.Duration;
import java.time.Instant;

import io.vertx.core.http.HttpHeaders;

/**
 * A bearer token for one connection, with the instants that govern its use. {@link #toString()} never shows the
 * token itself, so a token cannot reach a log line through string concatenation.
 *
 * @param value the raw access token (a JWT), to be sent only to the connection's Business Central
 * @param refreshAt from here on a replacement is fetched in the background while this one is still used
 * @param usableUntil from here on this token is never sent (it is about to expire)
 * @param expiresAt the expiry Entra ID stated
 * @param authorization the {@code Authorization} header value that carries it ({@code Bearer <value>}): made once
 *        per token rather than once per request (a token is 1-2 KB, and so was that string per request). For a
 *        token in ASCII, as Entra's are, it is a Netty {@code AsciiString} ({@link HttpHeaders#createOptimized}):
 *        Vert.x then checks it over its bytes and writes it into each request with one copy, where a
 *        {@code String} is checked and encoded char by char on every request (~5 % of the gateway's CPU, issue
 *        #15). Its {@code toString()} is the header itself, as the {@code String}'s was: never log it.
 */
public record AccessToken(String value, Instant refreshAt, Instant usableUntil, Instant expiresAt,
        CharSequence authorization) {

    private static final String BEARER = "Bearer ";

    public AccessToken {
        if (!carries(authorization, value)) {
            throw new IllegalArgumentException("authorization must be \"Bearer \" followed by the token");
        }
    }

    public AccessToken(String value, Instant refreshAt, Instant usableUntil, Instant expiresAt) {
        this(value, refreshAt, usableUntil, expiresAt, headerValue(BEARER + value));
    }

    /** The header value in the form Vert.x writes fastest; a token that is not ASCII stays a {@code String}. */
    private static CharSequence headerValue(String header) {
        for (int i = 0; i < header.length(); i++) {
            if (header.charAt(i) > 0x7F) {
                return header;
            }
        }
        return HttpHeaders.createOptimized(header);
    }

    /** Whether {@code authorization} is {@code Bearer } followed by {@code value}, char for char. */
    private static boolean carries(CharSequence authorization, String value) {
        if (authorization.length() != BEARER.length() + value.length()) {
            return false;
        }
        for (int i = 0; i < authorization.length(); i++) {
            char expected = i < BEARER.length() ? BEARER.charAt(i) : value.charAt(i - BEARER.length());
            if (authorization.charAt(i) != expected) {
                return false;
            }
        }
        return true;
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
