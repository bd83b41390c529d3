package io.bcgateway.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The gateway as deployed on a shared network: callers authenticate with API keys or Entra ID bearer tokens
 * (validated against the simulator's Entra ID), each with a least-privilege policy; every logger at TRACE and
 * captured in memory, so the same start also serves the secret-scanning test. One profile, one start.
 */
public class SecuredGatewayProfile implements QuarkusTestProfile {

    /** GET/HEAD on the companies list and on customers (collection, items and below), connection sim only. */
    public static final String READER_KEY = "bcgw_reader_2bY7pQ9xL4mN8vK1sT6wR3zD";
    /** Everything on every connection. */
    public static final String ADMIN_KEY = "bcgw_admin_9fH2kJ7nB5cV1xZ8qW4eR6tY";
    /** Read everything, but only on connection {@code single}. */
    public static final String SINGLE_KEY = "bcgw_single_5gT8yU2iO7pA4sD1fG9hJ3kL";
    /** Read on sim, at most 2 requests per hour. */
    public static final String LIMITED_KEY = "bcgw_limited_3qE6rT9yU1iO4pA7sD2fG5hJ";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> c = new HashMap<>();
        c.put("quarkus.log.min-level", "TRACE");
        c.put("quarkus.log.level", "TRACE");
        c.put("quarkus.log.console.level", "INFO");
        c.put("gateway.caller-auth.modes", "api-key,jwt");
        c.put("quarkus.oidc.tenant-enabled", "true");
        String p = "gateway.caller-auth.callers.";
        c.put(p + "reader.api-key-hashes", hash(READER_KEY));
        c.put(p + "reader.connections", "sim");
        c.put(p + "reader.paths", "api/v2.0/companies,api/v2.0/companies(*)/customers*/**");
        c.put(p + "admin.api-key-hashes", "sha256:" + "0".repeat(64) + "," + hash(ADMIN_KEY)); // two keys: rotation
        c.put(p + "admin.methods", "*");
        c.put(p + "single.api-key-hashes", hash(SINGLE_KEY));
        c.put(p + "single.connections", "single");
        c.put(p + "limited.api-key-hashes", hash(LIMITED_KEY));
        c.put(p + "limited.connections", "sim");
        c.put(p + "limited.rate-limit", "2/1h");
        c.put(p + "workload.client-ids", SimulatorProcess.CALLER_APP);
        c.put(p + "workload.connections", "sim");
        c.put(p + "editors.roles", "Gateway.ReadWrite");
        c.put(p + "editors.connections", "sim");
        c.put(p + "editors.methods", "GET,POST,PATCH,DELETE");
        c.put(p + "editors.paths", "api/v2.0/**");
        return c;
    }

    /** {@code sha256:<hex>}, as an operator would write it with {@code printf %s "$KEY" | sha256sum}. */
    public static String hash(String key) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
