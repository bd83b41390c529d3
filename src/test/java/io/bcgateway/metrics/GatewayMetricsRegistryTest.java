package io.bcgateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Where the gateway's meters live when Quarkus hands over its composite registry: in the one registry inside it
 * (which {@code /q/metrics} scrapes), so that observations skip the composite; with several inside, on the composite,
 * so that every one of them still gets them.
 */
class GatewayMetricsRegistryTest {

    private static GatewayMetrics metricsOn(io.micrometer.core.instrument.MeterRegistry registry) {
        return new GatewayMetrics(registry, java.time.Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), null, null, true);
    }

    @Test
    void withOneRegistryInsideTheMetersGoToItAndRecordThere() {
        SimpleMeterRegistry prometheus = new SimpleMeterRegistry();
        CompositeMeterRegistry composite = new CompositeMeterRegistry();
        composite.add(prometheus);
        GatewayMetrics metrics = metricsOn(composite);
        assertSame(prometheus, metrics.registry());
        metrics.fanoutEnded(3, 3);
        assertEquals(1, prometheus.get("bc.gateway.fanouts").tag("result", "complete").counter().count());
        assertEquals(3, prometheus.get("bc.gateway.fanout.targets").summary().totalAmount());
        assertNull(composite.find("bc.gateway.fanouts").counter(), "not registered twice");
    }

    @Test
    void withSeveralOrNoRegistriesInsideTheyStayOnTheComposite() {
        CompositeMeterRegistry empty = new CompositeMeterRegistry();
        assertSame(empty, GatewayMetrics.direct(empty));
        SimpleMeterRegistry one = new SimpleMeterRegistry();
        SimpleMeterRegistry two = new SimpleMeterRegistry();
        CompositeMeterRegistry composite = new CompositeMeterRegistry();
        composite.add(one).add(two);
        GatewayMetrics metrics = metricsOn(composite);
        assertSame(composite, metrics.registry());
        metrics.fanoutEnded(2, 2);
        assertEquals(1, one.get("bc.gateway.fanouts").tag("result", "complete").counter().count());
        assertEquals(1, two.get("bc.gateway.fanouts").tag("result", "complete").counter().count());
    }
}
