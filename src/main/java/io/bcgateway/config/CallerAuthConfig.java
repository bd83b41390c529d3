package io.bcgateway.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Who may call the gateway, and what each caller may do. Whoever reaches the gateway acts as the connections' app
 * registrations, so only configured callers get in, each with the least rights it needs.
 */
@ConfigMapping(prefix = "gateway.caller-auth")
public interface CallerAuthConfig {

    /**
     * How callers prove who they are: {@code none} (only allowed when the gateway listens on a loopback address:
     * the sidecar case), or any of {@code api-key}, {@code jwt} and {@code mtls} (a client certificate on an HTTPS
     * listener with {@code quarkus.http.ssl.client-auth=request} or {@code required}).
     */
    @WithDefault("none")
    List<String> modes();

    /** The request header that carries an API key. It is never forwarded to Business Central. */
    @WithDefault("X-API-Key")
    String apiKeyHeader();

    /** The callers, by name (the name appears in access logs and in 403 answers). */
    Map<String, Caller> callers();

    interface Caller {
        /**
         * SHA-256 hashes of this caller's API keys, as {@code sha256:<64 hex digits>} (e.g.
         * {@code printf %s "$KEY" | sha256sum}); several allow rotation. Keys themselves are never configured.
         */
        Optional<List<String>> apiKeyHashes();

        /** {@code jwt} mode: client ids (the token's {@code azp} or {@code appid} claim) that act as this caller. */
        Optional<List<String>> clientIds();

        /** {@code jwt} mode: app roles (the token's {@code roles} claim); a token with any of them acts as this caller. */
        Optional<List<String>> roles();

        /** {@code mtls} mode: SHA-256 thumbprints (hex) of client certificates that act as this caller. */
        Optional<List<String>> certificateThumbprints();

        /** The connections this caller may use; {@code *} for all. */
        @WithDefault("*")
        List<String> connections();

        /** The HTTP methods this caller may use. Read-only unless widened. */
        @WithDefault("GET,HEAD")
        List<String> methods();

        /**
         * Business Central paths (after {@code /bc/{connection}/}) this caller may reach, as patterns: {@code *}
         * matches within one path segment, {@code **} any number of segments, a trailing {@code /**} also the path
         * itself; e.g. {@code api/v2.0/companies(*)/customers*} or {@code api/v2.0/**}.
         */
        @WithDefault("**")
        List<String> paths();

        /** Optional rate limit for this caller, as {@code <requests>/<duration>}, e.g. {@code 600/1m} or {@code 20/1s}. */
        Optional<String> rateLimit();
    }
}
