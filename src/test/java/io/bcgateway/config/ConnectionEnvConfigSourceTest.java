package io.bcgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ConnectionEnvConfigSourceTest {

    private final ConnectionEnvConfigSource source = new ConnectionEnvConfigSource(Map.of(
            "GATEWAY_CONNECTIONS_CONTOSO_EU_CLIENT_SECRET", "s3cret",
            "GATEWAY_CONNECTIONS_CONTOSO_EU_CLIENT_ID", "app",
            "GATEWAY_CONNECTIONS_FABRIKAM_TENANT_ID", "tid",
            "GATEWAY_CONNECTIONS_FABRIKAM_BASE_URL", "https://bc.fabrikam.local:7048/BC",
            "GATEWAY_CONNECTIONS_CLIENT_ID", "no connection name",
            "GATEWAY_CONNECTIONS_FABRIKAM_POOL_APP2_CLIENT_SECRET", "pool-secret",
            "GATEWAY_CONNECTIONS_FABRIKAM_LIMITS_MAX_RUNNING", "3",
            "GATEWAY_UPSTREAM_CONNECT_TIMEOUT", "3s",
            "PATH", "/usr/bin"));

    @Test
    void readsCallersTheSameWay() {
        ConnectionEnvConfigSource callers = new ConnectionEnvConfigSource(Map.of(
                "GATEWAY_CALLER_AUTH_CALLERS_ORDER_SYNC_API_KEY_HASHES", "sha256:ab",
                "GATEWAY_CALLER_AUTH_CALLERS_ORDER_SYNC_PATHS", "api/v2.0/**",
                "GATEWAY_CALLER_AUTH_CALLERS_REPORTING_RATE_LIMIT", "600/1m",
                "GATEWAY_CALLER_AUTH_MODES", "api-key"));
        assertEquals("sha256:ab", callers.getValue("gateway.caller-auth.callers.order-sync.api-key-hashes"));
        assertEquals("api/v2.0/**", callers.getValue("gateway.caller-auth.callers.order-sync.paths"));
        assertEquals("600/1m", callers.getValue("gateway.caller-auth.callers.reporting.rate-limit"));
        assertEquals(3, callers.getPropertyNames().size(), "GATEWAY_CALLER_AUTH_MODES maps by itself");
    }

    @Test
    void readsTheConnectionNameFromBeforeTheKnownKey() {
        assertEquals("s3cret", source.getValue("gateway.connections.contoso-eu.client-secret"));
        assertEquals("app", source.getValue("gateway.connections.contoso-eu.client-id"));
        assertEquals("https://bc.fabrikam.local:7048/BC", source.getValue("gateway.connections.fabrikam.base-url"));
    }

    @Test
    void readsCredentialPoolMembersAndLimits() {
        assertEquals("pool-secret", source.getValue("gateway.connections.fabrikam.pool.app2.client-secret"));
        assertEquals("3", source.getValue("gateway.connections.fabrikam.limits.max-running"));
    }

    @Test
    void ignoresEverythingElse() {
        assertEquals(Set.of("gateway.connections.contoso-eu.client-secret", "gateway.connections.contoso-eu.client-id",
                "gateway.connections.fabrikam.tenant-id", "gateway.connections.fabrikam.base-url",
                "gateway.connections.fabrikam.pool.app2.client-secret", "gateway.connections.fabrikam.limits.max-running"),
                source.getPropertyNames());
        assertNull(source.getValue("gateway.upstream.connect-timeout"));
    }

    @Test
    void readsTheCredentialFileAndCertificateKeys() {
        ConnectionEnvConfigSource creds = new ConnectionEnvConfigSource(Map.of(
                "GATEWAY_CONNECTIONS_A_CLIENT_SECRET_FILE", "/run/secrets/a",
                "GATEWAY_CONNECTIONS_B_CERTIFICATE_KEY_FILE", "/k.pem",
                "GATEWAY_CONNECTIONS_B_CERTIFICATE_THUMBPRINT", "DC12",
                "GATEWAY_CONNECTIONS_C_CERTIFICATE_CERT_FILE", "/c.pem",
                "GATEWAY_CONNECTIONS_D_FEDERATED_TOKEN_FILE", "/t",
                "GATEWAY_CONNECTIONS_E_USE_WORKLOAD_IDENTITY", "true"));
        assertEquals(Map.of("gateway.connections.a.client-secret-file", "/run/secrets/a",
                "gateway.connections.b.certificate.key-file", "/k.pem",
                "gateway.connections.b.certificate.thumbprint", "DC12",
                "gateway.connections.c.certificate.cert-file", "/c.pem",
                "gateway.connections.d.federated-token-file", "/t",
                "gateway.connections.e.use-workload-identity", "true"),
                java.util.Map.copyOf(creds.getProperties()));
    }

    @Test
    void aDoubleOrEdgeUnderscoreInTheNameIsNotReadAsADashButRefusedByName() {
        java.util.Map<String, String> env = Map.of(
                "GATEWAY_CONNECTIONS_CONTOSO__EU_TENANT_ID", "tid",
                "GATEWAY_CONNECTIONS__CONTOSO_CLIENT_ID", "app",
                "GATEWAY_CONNECTIONS_CONTOSO__CLIENT_SECRET", "s",
                "GATEWAY_CONNECTIONS_FABRIKAM__X_POOL_APP2_CLIENT_ID", "p",
                "GATEWAY_CONNECTIONS_CONTOSO_EU_BASE_URL", "https://bc.example");
        ConnectionEnvConfigSource ambiguous = new ConnectionEnvConfigSource(env);
        assertEquals(Set.of("gateway.connections.contoso-eu.base-url"), ambiguous.getPropertyNames(),
                "never contoso--eu, -contoso or contoso-");
        assertEquals(java.util.List.of("GATEWAY_CONNECTIONS_CONTOSO__CLIENT_SECRET",
                "GATEWAY_CONNECTIONS_CONTOSO__EU_TENANT_ID", "GATEWAY_CONNECTIONS_FABRIKAM__X_POOL_APP2_CLIENT_ID",
                "GATEWAY_CONNECTIONS__CONTOSO_CLIENT_ID"), ConnectionEnvConfigSource.ambiguousVariables(env));
    }
}
