package io.bcgateway.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookDeliveryLogTest {

    private static final Instant AT = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void keepsTheLastThousandCalls() {
        WebhookDeliveryLog log = new WebhookDeliveryLog();
        for (int i = 1; i <= 1001; i++) log.add(new WebhookDeliveryLog.Entry("http://127.0.0.1/" + i, AT, 1, 200, null, true, "validated"));
        var value = log.toJson().get("value");
        assertEquals(1000, value.size());
        assertEquals("http://127.0.0.1/2", value.get(0).get("notificationUrl").asText());
    }

    @Test
    void dropsOldEntriesWhenTheLoggedPayloadsGrowTooLarge() {
        WebhookDeliveryLog log = new WebhookDeliveryLog();
        ObjectNode big = payload(WebhookDeliveryLog.MAX_LOGGED_NOTIFICATIONS / 2);
        log.add(new WebhookDeliveryLog.Entry("http://127.0.0.1/a", AT, 1, 503, big, false, "retry"));
        log.add(new WebhookDeliveryLog.Entry("http://127.0.0.1/a", AT, 2, 503, big, false, "retry"));
        log.add(new WebhookDeliveryLog.Entry("http://127.0.0.1/a", AT, 3, 200, payload(1), false, "delivered"));
        var value = log.toJson().get("value");
        assertEquals(2, value.size(), "the first big payload went");
        assertEquals(2, value.get(0).get("attempt").asInt());
        assertEquals(3, value.get(1).get("attempt").asInt());
    }

    private static ObjectNode payload(int entries) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        var value = p.putArray("value");
        for (int i = 0; i < entries; i++) value.addObject().put("changeType", "updated");
        return p;
    }
}
