package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.bcgateway.connection.BcEndpoint;
import io.vertx.core.MultiMap;

class BcAddressesTest {

    private static final BcEndpoint BC = BcEndpoint.of("https://api.businesscentral.dynamics.com",
            Optional.of("production"));
    private static final String GW = "https://gw.example/bc/contoso/";

    @Test
    void locationContentLocationAndEntityIdPointAtTheGateway() {
        String entity = "api/v2.0/companies(c1)/customers(a1)";
        MultiMap h = MultiMap.caseInsensitiveMultiMap()
                .add("location", "https://api.businesscentral.dynamics.com/v2.0/7e1f6a4c/Production/" + entity)
                .add("Content-Location", "https://api.businesscentral.dynamics.com/v2.0/production/" + entity)
                .add("OData-EntityId", "https://API.businesscentral.dynamics.com:443/v2.0/production/" + entity)
                .add("ETag", "W/\"x\"");
        BcAddresses.rewriteHeaders(h, BC, () -> GW);
        assertEquals(GW + entity, h.get("Location"));
        assertEquals(GW + entity, h.get("Content-Location"));
        assertEquals(GW + entity, h.get("OData-EntityId"));
        assertEquals("W/\"x\"", h.get("ETag"));
    }

    @Test
    void addressesOfAnotherHostOrEnvironmentStayAsTheyAre() {
        MultiMap h = MultiMap.caseInsensitiveMultiMap()
                .add("Location", "https://elsewhere.example/v2.0/production/api/v2.0/x")
                .add("Content-Location", "https://api.businesscentral.dynamics.com/v2.0/sandbox/api/v2.0/x");
        BcAddresses.rewriteHeaders(h, BC, () -> {
            throw new AssertionError("no prefix is needed when nothing is rewritten");
        });
        assertEquals("https://elsewhere.example/v2.0/production/api/v2.0/x", h.get("Location"));
        assertEquals("https://api.businesscentral.dynamics.com/v2.0/sandbox/api/v2.0/x", h.get("Content-Location"));
    }
}
