package io.bcgateway.health;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code gateway.health.require-all-connections}: whether one bad connection makes the whole gateway unready. */
class ReadinessPolicyTest {

    @Test
    void requireAllMakesOneBadConnectionUnreadyTheDefaultKeepsServingTheHealthyOnes() {
        assertFalse(ConnectionsReadiness.gatewayReady(true, 2, 3), "one of three down, require-all: DOWN");
        assertTrue(ConnectionsReadiness.gatewayReady(true, 3, 3));
        assertTrue(ConnectionsReadiness.gatewayReady(false, 2, 3), "one of three down, default: UP");
        assertTrue(ConnectionsReadiness.gatewayReady(false, 1, 3));
        assertFalse(ConnectionsReadiness.gatewayReady(false, 0, 3), "every connection down: DOWN either way");
        assertFalse(ConnectionsReadiness.gatewayReady(true, 0, 3));
        assertTrue(ConnectionsReadiness.gatewayReady(false, 0, 0), "no connections configured: nothing to wait for");
        assertTrue(ConnectionsReadiness.gatewayReady(true, 0, 0));
    }
}
