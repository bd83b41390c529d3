package io.bcgateway.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.bcgateway.config.WebhooksConfig;
import io.bcgateway.connection.BcEndpoint;
import io.bcgateway.connection.Connection;
import io.bcgateway.connection.Principal;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.core.buffer.Buffer;

/** A webhook's configuration is checked at start, and a notification's body and clientState are read strictly. */
class WebhookSpecTest {

    static final Connection CONTOSO = new Connection("contoso",
            BcEndpoint.of("https://api.businesscentral.dynamics.com", Optional.of("production")), null,
            List.of(new Principal("client", null, null)), null, null, null);

    record Settings(String connection, String resource, List<String> deliverTo, String publicUrl,
            boolean expandCollections, double renewAt, Duration checkInterval, Duration resyncInterval,
            Duration dedupWindow, int deliveryAttempts, Duration deliveryBackoff, Duration deliveryTimeout,
            int maxNotificationBody, Duration leaseTtl) implements WebhooksConfig.Webhook {

        static Settings valid() {
            return new Settings("contoso", "api/v2.0/companies(*)/customers", List.of("http://orders.internal/changes"),
                    "https://hooks.example.com/", false, 0.6667, Duration.ofSeconds(10), Duration.ofMinutes(5),
                    Duration.ofHours(37), 3, Duration.ofMillis(200), Duration.ofSeconds(5), 8388608,
                    Duration.ofSeconds(30));
        }

        Settings with(String key, Object value) {
            Map<String, Object> m = new java.util.HashMap<>(Map.of("connection", connection, "resource", resource,
                    "deliverTo", deliverTo, "publicUrl", publicUrl, "renewAt", renewAt, "leaseTtl", leaseTtl));
            m.put(key, value);
            return new Settings((String) m.get("connection"), (String) m.get("resource"),
                    (List<String>) m.get("deliverTo"), (String) m.get("publicUrl"), expandCollections,
                    (Double) m.get("renewAt"), checkInterval, resyncInterval, dedupWindow, deliveryAttempts,
                    deliveryBackoff, deliveryTimeout, maxNotificationBody, (Duration) m.get("leaseTtl"));
        }
    }

    private static WebhookSpec spec(String name, Settings s) {
        return WebhookSpec.of(name, s, n -> n.equals("contoso") ? Optional.of(CONTOSO) : Optional.empty());
    }

    private static String refusal(Settings s) {
        return assertThrows(ConfigurationException.class, () -> spec("customers", s)).getMessage();
    }

    @Test
    void aValidWebhookRegistersPublicUrlPlusItsName() {
        WebhookSpec spec = spec("customers", Settings.valid());
        assertEquals("https://hooks.example.com/webhooks/customers", spec.notificationUrl());
        assertEquals("api/v2.0", spec.apiPath());
        assertTrue(spec.everyCompany());
        assertEquals("/api/v2.0/companies(1234)/customers", spec.resourceOf("1234"));

        WebhookSpec custom = spec("orders", Settings.valid().with("resource",
                "/api/contoso/sales/v1.0/companies(3F2504E0-4F89-11D3-9A0C-0305E82C3301)/orders"));
        assertEquals("api/contoso/sales/v1.0", custom.apiPath());
        assertFalse(custom.everyCompany());
        assertEquals("3f2504e0-4f89-11d3-9a0c-0305e82c3301", custom.company());
    }

    @Test
    void mistakesRefuseTheStartNamingTheProperty() {
        assertTrue(refusal(Settings.valid().with("connection", "nosuch"))
                .contains("gateway.webhooks.customers.connection (environment variable GATEWAY_WEBHOOKS_CUSTOMERS_CONNECTION)"));
        assertTrue(refusal(Settings.valid().with("resource", "api/v2.0/customers"))
                .contains("gateway.webhooks.customers.resource"));
        assertTrue(refusal(Settings.valid().with("resource", "api/v2.0/companies(*)/../secrets"))
                .contains("gateway.webhooks.customers.resource"));
        assertTrue(refusal(Settings.valid().with("publicUrl", "http://hooks.example.com"))
                .contains("must start with https://"));
        assertTrue(refusal(Settings.valid().with("deliverTo", List.of("ftp://x"))).contains("deliver-to"));
        assertTrue(refusal(Settings.valid().with("deliverTo", List.of())).contains("deliver-to"));
        assertTrue(refusal(Settings.valid().with("renewAt", 1.0)).contains("renew-at"));
        assertTrue(refusal(Settings.valid().with("leaseTtl", Duration.ofSeconds(15))).contains("lease-ttl"));
        assertTrue(assertThrows(ConfigurationException.class, () -> spec("Bad/Name", Settings.valid())).getMessage()
                .contains("not a usable webhook name"));
        // Loopback may be plain http (tests, a sidecar tunnel).
        assertEquals("http://127.0.0.1:8080/webhooks/customers",
                spec("customers", Settings.valid().with("publicUrl", "http://127.0.0.1:8080")).notificationUrl());
    }

    @Test
    void aNotificationBodyIsReadStrictly() {
        assertNull(NotificationRoute.entries(Buffer.buffer("not json")));
        assertEquals(0, NotificationRoute.entries(Buffer.buffer("{\"value\":[]}")).size(), "nothing to deliver");
        assertNull(NotificationRoute.entries(Buffer.buffer("{\"other\":[]}")));
        assertNull(NotificationRoute.entries(Buffer.buffer("{\"value\":[1]}")));
        assertNull(NotificationRoute.entries(Buffer.buffer("{\"value\":[{\"subscriptionId\":\"a\"}]}")));
        assertEquals(1, NotificationRoute.entries(Buffer.buffer("{\"value\":[{\"subscriptionId\":\"a\","
                + "\"clientState\":\"s\",\"resource\":\"r\",\"changeType\":\"created\"}]}")).size());
    }

    @Test
    void clientStatesMatchOnlyExactly() {
        assertTrue(NotificationRoute.sameSecret("abc", "abc"));
        assertFalse(NotificationRoute.sameSecret("abc", "abd"));
        assertFalse(NotificationRoute.sameSecret("abc", "ab"));
        assertFalse(NotificationRoute.sameSecret("abc", null));
        assertEquals(43, SubscriptionKeeper.newClientState().length(), "32 random bytes, base64url");
        assertFalse(SubscriptionKeeper.newClientState().equals(SubscriptionKeeper.newClientState()));
    }

    @Test
    void aCollectionIsReadOnlyInsideTheWebhooksOwnEntitySet() {
        WebhookSpec spec = spec("customers", Settings.valid());
        ChangeDelivery delivery = new ChangeDelivery(spec, null, null, null, null, null);
        String company = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
        ChangeDelivery.Collection c = delivery.collection("api/v2.0/companies(" + company
                + ")/customers?$filter=lastDateTimeModified gt 2026-12-07T03:00:00Z");
        assertEquals("api/v2.0/companies(" + company + ")/customers", c.path());
        assertEquals("$filter=lastDateTimeModified%20gt%202026-12-07T03:00:00Z", c.query());
        assertEquals(c, delivery.collection("https://api.businesscentral.dynamics.com/v2.0/production/api/v2.0/companies("
                + company + ")/customers?$filter=lastDateTimeModified gt 2026-12-07T03:00:00Z"));
        assertNull(delivery.collection("api/v2.0/companies(" + company + ")/vendors"), "another entity set");
        assertNull(delivery.collection("https://evil.example.com/v2.0/production/api/v2.0/companies(" + company
                + ")/customers"), "another host");
        assertNull(delivery.collection("api/v2.0/companies(" + company + ")/customers/../../secrets"));
    }
}
