package io.bcgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Start-up refusals: one line, naming the property and the environment variable that sets it. */
class ConfigRefusalTest {

    @Test
    void namesTheKeyAtFaultAndItsVariable() {
        assertEquals("bc-gateway cannot start: gateway.connections.contoso-eu.base-url (environment variable "
                + "GATEWAY_CONNECTIONS_CONTOSO_EU_BASE_URL): connection 'contoso-eu': base-url must start with https://",
                ConfigRefusal.connection("contoso-eu", "base-url must start with https://").getMessage());
        assertEquals("bc-gateway cannot start: gateway.connections.a.certificate.key-file (environment variable "
                + "GATEWAY_CONNECTIONS_A_CERTIFICATE_KEY_FILE): connection 'a': certificate.key-file /x cannot be read",
                ConfigRefusal.connection("a", "certificate.key-file /x cannot be read").getMessage());
    }

    @Test
    void namesTheConnectionWhenNoKeyIsAtFault() {
        assertEquals("bc-gateway cannot start: gateway.connections.a.* (environment variables "
                + "GATEWAY_CONNECTIONS_A_*): connection 'a': exactly one credential must be configured",
                ConfigRefusal.connection("a", "exactly one credential must be configured").getMessage());
    }

    @Test
    void isOneLineWhateverTheDetail() {
        String message = ConfigRefusal.of("gateway.cluster.lease-ttl", "must be\n  at least\r\n300ms").getMessage();
        assertEquals("bc-gateway cannot start: gateway.cluster.lease-ttl (environment variable "
                + "GATEWAY_CLUSTER_LEASE_TTL): must be at least 300ms", message);
    }

    @Test
    void addsTheVariableToAMessageThatStartsWithItsProperty() {
        assertEquals("bc-gateway cannot start: gateway.caller-auth.modes (environment variable GATEWAY_CALLER_AUTH_MODES):"
                + " gateway.caller-auth.modes: unknown mode 'basic'",
                ConfigRefusal.fromMessage("gateway.caller-auth.modes: unknown mode 'basic'").getMessage());
        assertEquals("bc-gateway cannot start: callers 'a' and 'b' share a key",
                ConfigRefusal.fromMessage("callers 'a' and 'b' share a key").getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = { "contoso", "contoso-eu", "c0", "1st", "a--b" })
    void connectionNamesThatARequestCanName(String name) {
        assertNull(ConfigRefusal.connectionNameProblem(name));
    }

    @ParameterizedTest
    @ValueSource(strings = { "con/toso", "con toso", "Contoso", "contoso_eu", "-contoso", "con.toso", "con%2ftoso", "" })
    void connectionNamesThatNoRequestCanName(String name) {
        String problem = ConfigRefusal.connectionNameProblem(name);
        assertTrue(problem != null && problem.contains("'" + name + "'"), problem);
        String message = ConfigRefusal.badConnectionName(name, problem).getMessage();
        assertTrue(message.startsWith("bc-gateway cannot start: gateway.connections." + name + ".*: '" + name + "'"),
                message);
    }
}
