package io.bcgateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.bcgateway.config.CallerAuthConfig;
import io.bcgateway.testing.MutableClock;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.bcgateway.fanout.FanoutService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;

/** Policies, path patterns, batch checks, rate limits and the start-up checks of caller configuration. */
class CallerPolicyTest {

    private static final String COMPANY = "companies(5a1b2c3d-0000-4000-8000-000000000001)";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));

    @Test
    void starMatchesWithinASegmentAndDoubleStarAcrossSegments() {
        PathPattern customers = PathPattern.compile("api/v2.0/companies(*)/customers*/**");
        assertTrue(customers.matches("api/v2.0/" + COMPANY + "/customers"));
        assertTrue(customers.matches("api/v2.0/" + COMPANY + "/customers(42)"));
        assertTrue(customers.matches("api/v2.0/" + COMPANY + "/customers(42)/picture"));
        assertTrue(customers.matches("API/V2.0/" + COMPANY + "/Customers"), "BC's URLs ignore case");
        assertFalse(customers.matches("api/v2.0/" + COMPANY + "/vendors"));
        assertFalse(customers.matches("api/v2.0/companies"));
        assertFalse(customers.matches("api/v2.0/" + COMPANY + "/x/customers"), "* never crosses a slash");
        assertTrue(PathPattern.compile("**").matches("anything/at/all"));
        assertTrue(PathPattern.compile("api/*/companies").matches("api/v2.0/companies"));
        assertFalse(PathPattern.compile("api/*/companies").matches("api/microsoft/automation/v2.0/companies"));
        assertTrue(PathPattern.compile("*a*b*").matches("xaybz"));
        assertFalse(PathPattern.compile("a.c").matches("abc"), "a dot is a dot, not a regex wildcard");
    }

    @Test
    void malformedPatternsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PathPattern.compile(""));
        assertThrows(IllegalArgumentException.class, () -> PathPattern.compile("api//companies"));
        assertThrows(IllegalArgumentException.class, () -> PathPattern.compile("api/**x"));
    }

    @Test
    void aPolicyDeniesWithTheRuleThatSaysNo() {
        CallerPolicy reader = new CallerPolicy("reader", Set.of("sim"), Set.of("GET", "HEAD"),
                List.of(PathPattern.compile("api/v2.0/companies(*)/customers*/**")), null);
        String customers = "api/v2.0/" + COMPANY + "/customers";
        assertNull(reader.denyRequest("sim", "GET", customers));
        assertNull(reader.denyRequest("SIM", "get", customers), "connection names and methods ignore case");
        assertEquals("gateway.caller-auth.callers.reader.methods", reader.denyRequest("sim", "POST", customers).rule());
        assertEquals("gateway.caller-auth.callers.reader.connections",
                reader.denyRequest("other", "GET", customers).rule());
        assertEquals("gateway.caller-auth.callers.reader.paths",
                reader.denyRequest("sim", "GET", "api/v2.0/" + COMPANY + "/vendors").rule());
        assertNull(reader.denyRequest("sim", "GET", "api/v2.0/companies%285a1b%29/%63ustomers"),
                "an encoded path is judged as BC will read it");
        assertNotNull(reader.denyRequest("sim", "GET", "api/v2.0/companies(1)/customers%zz"), "bad escapes are denied");
        assertFalse(reader.unrestricted());
        assertTrue(CallerPolicy.everything("local").unrestricted());
    }

    @Test
    void anUnrestrictedPolicyAllowsEveryPathButStillRefusesBadEscapesAndUnknownMethods() {
        CallerPolicy everything = CallerPolicy.everything("local");
        assertNull(everything.denyRequest("sim", "GET", "api/v2.0/" + COMPANY + "/customers"));
        assertNull(everything.denyRequest("any", "DELETE", "API/v2.0/" + COMPANY + "/Customers(42)"));
        assertNull(everything.denyRequest("sim", "GET", ""));
        assertNull(everything.denyRequest("sim", "GET", "api/v2.0/companies%285a1b%29/%63ustomers"));
        assertEquals("gateway.caller-auth.callers.local.paths",
                everything.denyRequest("sim", "GET", "api/v2.0/companies(1)/customers%zz").rule(),
                "malformed escapes are refused whatever the policy");
        assertEquals("gateway.caller-auth.callers.local.methods",
                everything.denyRequest("sim", "OPTIONS", "api/v2.0/companies").rule());
    }

    @Test
    void aBatchIsAllowedOnlyWhenEveryOperationIs() {
        CallerPolicy reader = new CallerPolicy("reader", Set.of("sim"), Set.of("GET"),
                List.of(PathPattern.compile("api/v2.0/companies(*)/customers*/**")), null);
        String path = "api/v2.0/$batch";
        assertNull(BatchPolicy.deny(reader, "sim", path, batch("GET", COMPANY + "/customers?$top=5")));
        Denial write = BatchPolicy.deny(reader, "sim", path, batch("PATCH", COMPANY + "/customers(1)"));
        assertEquals("gateway.caller-auth.callers.reader.methods", write.rule());
        assertEquals("gateway.caller-auth.callers.reader.paths",
                BatchPolicy.deny(reader, "sim", path, batch("GET", COMPANY + "/vendors")).rule());
        assertNotNull(BatchPolicy.deny(reader, "sim", path, batch("GET", "https://elsewhere.invalid/customers")));
        assertNotNull(BatchPolicy.deny(reader, "sim", path, batch("GET", "/v2.0/x/api/v2.0/" + COMPANY + "/customers")));
        assertNotNull(BatchPolicy.deny(reader, "sim", path, batch("GET", COMPANY + "/customers/../vendors")));
        assertNotNull(BatchPolicy.deny(reader, "sim", path,
                FanoutService.batchOperations(Buffer.buffer("{\"requests\":[{\"url\":\"x\"}]}"))));
        assertNull(FanoutService.batchOperations(Buffer.buffer("not json")), "not a batch: 400 before any policy");
        assertNull(FanoutService.batchOperations(Buffer.buffer("{\"requests\":[1]}")));
    }

    @Test
    void aCallersRateLimitRefillsEvenlyOverItsPeriod() {
        CallerRateLimiter limit = CallerRateLimiter.parse("2/1m", clock);
        assertEquals(Duration.ZERO, limit.tryAcquire());
        assertEquals(Duration.ZERO, limit.tryAcquire());
        assertEquals(Duration.ofSeconds(30), limit.tryAcquire(), "one token every 30 s");
        clock.advance(Duration.ofSeconds(29));
        assertEquals(Duration.ofSeconds(1), limit.tryAcquire());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Duration.ZERO, limit.tryAcquire());
        clock.advance(Duration.ofHours(1));
        assertEquals(Duration.ZERO, limit.tryAcquire());
        assertEquals(Duration.ZERO, limit.tryAcquire());
        assertFalse(limit.tryAcquire().isZero(), "never more than the burst of 2, however long the pause");
        assertNull(CallerRateLimiter.parse("fast", clock));
        assertNull(CallerRateLimiter.parse("0/1s", clock));
        assertNotNull(CallerRateLimiter.parse("5/500ms", clock));
    }

    @Test
    void openGatewayOnANonLoopbackAddressRefusesToStart() {
        RuntimeException e = assertThrows(io.quarkus.runtime.configuration.ConfigurationException.class,
                () -> registry(Map.of("quarkus.http.host", "0.0.0.0")));
        assertTrue(e.getMessage().contains("quarkus.http.host=127.0.0.1"), e.getMessage());
        assertTrue(registry(Map.of("quarkus.http.host", "127.0.0.1")).open());
        assertTrue(registry(Map.of("quarkus.http.host", "::1")).open());
    }

    @Test
    void configurationsThatWouldLetTheWrongCallersInRefuseToStart() {
        String hash = "sha256:" + "ab".repeat(32);
        Map<String, String> apiKey = Map.of("gateway.caller-auth.modes", "api-key",
                "gateway.caller-auth.callers.app.api-key-hashes", hash);
        assertTrue(registry(apiKey).acceptsApiKeys());
        assertFails(Map.of("gateway.caller-auth.modes", "api-key"), "no caller is configured");
        assertFails(with(apiKey, "gateway.caller-auth.callers.app.api-key-hashes", "my-clear-text-key"),
                "never the key itself");
        assertFails(with(apiKey, "gateway.caller-auth.callers.app.connections", "nowhere"), "not a configured connection");
        assertFails(with(apiKey, "gateway.caller-auth.callers.app.methods", "TRACE"), "methods");
        assertFails(with(apiKey, "gateway.caller-auth.callers.app.rate-limit", "lots"), "rate-limit");
        assertFails(with(apiKey, "gateway.caller-auth.modes", "none,api-key"), "cannot be combined");
        assertFails(with(apiKey, "gateway.caller-auth.modes", "basic"), "unknown mode");
        Map<String, String> jwt = Map.of("gateway.caller-auth.modes", "jwt",
                "gateway.caller-auth.callers.app.client-ids", "c0ffee00-0000-4000-8000-00000000c411",
                "quarkus.oidc.tenant-enabled", "true", "quarkus.oidc.auth-server-url", "https://login.example/t/v2.0");
        assertFails(jwt, "quarkus.oidc.token.audience");
        assertTrue(registry(with(jwt, "quarkus.oidc.token.audience", "api://gw")).acceptsJwt());
        assertFails(with(with(jwt, "quarkus.oidc.token.audience", "api://gw"), "quarkus.oidc.tenant-enabled", "false"),
                "quarkus.oidc.tenant-enabled=true");
        assertFails(with(with(with(jwt, "quarkus.oidc.token.audience", "api://gw"),
                "gateway.caller-auth.callers.app.client-ids", ""), "gateway.caller-auth.callers.keyonly.api-key-hashes", hash),
                "no identity");
    }

    @Test
    void keysAreLookedUpByTheirHashAndTokensByClientOrRole() {
        String key = "bcgw_example_key";
        Map<String, String> config = new HashMap<>(Map.of("gateway.caller-auth.modes", "api-key,jwt",
                "quarkus.oidc.tenant-enabled", "true", "quarkus.oidc.auth-server-url", "https://login.example/t/v2.0",
                "quarkus.oidc.token.audience", "api://gw"));
        config.put("gateway.caller-auth.callers.app.api-key-hashes", "sha256:" + CallerRegistry.sha256Hex(key));
        config.put("gateway.caller-auth.callers.workload.client-ids", "C0FFEE00-0000-4000-8000-00000000C411");
        config.put("gateway.caller-auth.callers.editors.roles", "Gateway.ReadWrite");
        CallerRegistry registry = registry(config);
        assertEquals("app", registry.byApiKey(key).orElseThrow().name());
        assertTrue(registry.byApiKey(key + " ").isEmpty());
        assertEquals("workload", registry.byToken("c0ffee00-0000-4000-8000-00000000c411", Set.of()).orElseThrow().name());
        assertEquals("editors", registry.byToken("someone-else", Set.of("Gateway.ReadWrite")).orElseThrow().name());
        assertTrue(registry.byToken("someone-else", Set.of("Gateway.Read")).isEmpty());
    }

    private static JsonArray batch(String method, String url) {
        return FanoutService.batchOperations(Buffer.buffer("{\"requests\":[{\"id\":\"1\",\"method\":\"" + method
                + "\",\"url\":\"" + url + "\"}]}"));
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new HashMap<>(base);
        m.put(key, value);
        return m;
    }

    @Test
    void aBuildWithoutBearerTokenValidationRefusesTheJwtModeAtStartAndServesTheOthers() {
        // The image's --build-arg CALLER_JWT=false leaves quarkus-oidc's validation out (issue 14: ~500 classes and
        // 4 MB of idle RSS); a jwt configuration must then stop the start, not turn every token away at run time.
        Map<String, String> jwt = Map.of("gateway.caller-auth.modes", "api-key,jwt",
                "gateway.caller-auth.callers.app.client-ids", "c0ffee00-0000-4000-8000-00000000c411",
                "gateway.caller-auth.callers.app.api-key-hashes", "sha256:" + "ab".repeat(32),
                "quarkus.oidc.tenant-enabled", "true", "quarkus.oidc.auth-server-url", "https://login.example/t/v2.0",
                "quarkus.oidc.token.audience", "api://gw");
        RuntimeException e = assertThrows(io.quarkus.runtime.configuration.ConfigurationException.class,
                () -> registry(jwt, false));
        assertTrue(e.getMessage().contains("built without bearer-token validation"), e.getMessage());
        assertTrue(e.getMessage().contains("CALLER_JWT=false"), e.getMessage());
        assertTrue(registry(with(jwt, "gateway.caller-auth.modes", "api-key"), false).acceptsApiKeys());
        assertTrue(registry(jwt, true).acceptsJwt());
    }

    private void assertFails(Map<String, String> config, String messagePart) {
        // A start-up refusal: Quarkus prints its one-line message instead of a stack trace (ConfigRefusal).
        RuntimeException e = assertThrows(io.quarkus.runtime.configuration.ConfigurationException.class,
                () -> registry(config));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        assertFalse(e.getMessage().contains("my-clear-text-key"), "a key pasted in clear is never echoed");
    }

    private CallerRegistry registry(Map<String, String> values) {
        return registry(values, true);
    }

    private CallerRegistry registry(Map<String, String> values, boolean jwtBuiltIn) {
        Map<String, String> all = new HashMap<>(Map.of("quarkus.http.host", "127.0.0.1"));
        all.putAll(values);
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(CallerAuthConfig.class)
                .withDefaultValues(all).build();
        return new CallerRegistry(config.getConfigMapping(CallerAuthConfig.class), Set.of("sim", "single"), config,
                clock, jwtBuiltIn);
    }
}
