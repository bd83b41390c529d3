package io.bcgateway.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The gateway's configuration: the Business Central connections it serves and how it talks to them.
 * Every key can also be given as an environment variable ({@code GATEWAY_CONNECTIONS_CONTOSO_CLIENT_SECRET}).
 */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** The Business Central connections, by name; the name is the first path segment after {@code /bc/}. */
    Map<String, ConnectionConfig> connections();

    /** How the gateway calls Business Central. */
    Upstream upstream();

    /** How Entra ID tokens are cached and refreshed. */
    Token token();

    interface Upstream {
        /** Time allowed to open a TCP (and TLS) connection to Business Central; exceeding it answers 502. */
        @WithDefault("5s")
        Duration connectTimeout();

        /**
         * Longest silence allowed while waiting for Business Central's response headers or the next body chunk;
         * exceeding it answers 504. BC itself cancels an operation after 8 minutes and a request after 10.
         */
        @WithDefault("120s")
        Duration readTimeout();

        /**
         * Pooled HTTP/1.1 keep-alive connections per connection. Unset: sized per principal, twice each
         * principal's running-slot limit (BC allows 100 connections per principal, so at most 100 slots count)
         * summed over the connection's principals, and at least 20: admission never lets more requests run at
         * once, so every admitted request finds a kept-alive connection and none waits for one.
         */
        Optional<Integer> maxPoolSize();

        /**
         * Request bodies up to this size are held in memory so the request can be replayed once after a 401
         * (and, later, after a 429). Larger bodies stream straight through and are never replayed.
         */
        @WithDefault("1048576")
        int replayableBodyLimit();
    }

    interface Token {
        /**
         * Start fetching a new token this long before the current one expires, in the background, so callers
         * never wait for Entra ID. Capped at half the token's lifetime for short-lived tokens.
         */
        @WithDefault("5m")
        Duration refreshAhead();

        /**
         * Stop using a token this long before its expiry (clock skew and transit time), so an expired token is
         * never sent. Capped at a tenth of the token's lifetime.
         */
        @WithDefault("30s")
        Duration expirySafetyMargin();

        /** After a failed token request, callers get the same failure without a new request for this long at first. */
        @WithDefault("1s")
        Duration failureBackoffInitial();

        /** The failure back-off doubles per consecutive failure up to this ceiling. */
        @WithDefault("30s")
        Duration failureBackoffMax();

        /** Time allowed for one token request to Entra ID before it counts as unavailable. */
        @WithDefault("10s")
        Duration requestTimeout();

        /**
         * Request every principal's first token while the gateway starts, in the background, so the first caller
         * does not wait for Entra ID (a scale-from-zero or sidecar start is paid by its first request). A failure
         * is remembered as any other (failure back-off) and logged once; it never stops the start.
         */
        @WithDefault("true")
        boolean fetchAtStart();
    }
}
