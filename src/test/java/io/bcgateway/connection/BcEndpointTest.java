package io.bcgateway.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class BcEndpointTest {

    private final BcEndpoint online = BcEndpoint.of("https://api.businesscentral.dynamics.com", Optional.of("production"));
    private final BcEndpoint onPrem = BcEndpoint.of("https://bc.contoso.local:7048/BC/", Optional.empty());

    @Test
    void onlineForwardsUnderTheEnvironment() {
        assertEquals("/v2.0/production/api/v2.0/companies?$top=1",
                online.upstreamUri("api/v2.0/companies", "$top=1"));
        assertEquals(443, online.port());
    }

    @Test
    void onPremisesForwardsUnderTheInstancePath() {
        assertEquals("/BC/api/v2.0/companies", onPrem.upstreamUri("api/v2.0/companies", null));
        assertEquals(7048, onPrem.port());
    }

    @Test
    void recognisesItsOwnLinksWithOrWithoutTenantAndAnyEnvironmentCase() {
        assertEquals(Optional.of("api/v2.0/companies(1)/customers?$skiptoken=5"), online.restOf(
                "https://api.businesscentral.dynamics.com/v2.0/3f6b2a10/Production/api/v2.0/companies(1)/customers?$skiptoken=5"));
        assertEquals(Optional.of("api/v2.0/items"),
                online.restOf("https://API.businesscentral.dynamics.com:443/v2.0/production/api/v2.0/items"));
        assertEquals(Optional.of("api/v2.0/items"), onPrem.restOf("https://bc.contoso.local:7048/BC/api/v2.0/items"));
    }

    @Test
    void refusesLinksToAnyOtherPlace() {
        assertTrue(online.restOf("https://evil.example/v2.0/production/api/v2.0/items").isEmpty());
        assertTrue(online.restOf("http://api.businesscentral.dynamics.com/v2.0/production/api/v2.0/items").isEmpty());
        assertTrue(online.restOf("https://api.businesscentral.dynamics.com:8443/v2.0/production/api/v2.0/x").isEmpty());
        assertTrue(online.restOf("https://api.businesscentral.dynamics.com/v2.0/sandbox/api/v2.0/items").isEmpty());
        assertTrue(online.restOf("https://user@api.businesscentral.dynamics.com/v2.0/production/api/v2.0/x").isEmpty());
        assertTrue(onPrem.restOf("https://bc.contoso.local:7048/Other/api/v2.0/items").isEmpty());
        assertTrue(online.restOf("not a url").isEmpty());
    }

    @Test
    void plainHttpIsOnlyForLoopback() {
        BcEndpoint local = BcEndpoint.of("http://127.0.0.1:9000", Optional.of("production"));
        assertEquals(9000, local.port());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BcEndpoint.of("http://bc.example.com", Optional.of("production")));
        assertTrue(e.getMessage().contains("https"));
    }

    @Test
    void rejectsEnvironmentNamesThatAreNotPlainNames() {
        assertThrows(IllegalArgumentException.class,
                () -> BcEndpoint.of("https://api.businesscentral.dynamics.com", Optional.of("../admin")));
    }
}
