package io.bcgateway.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Prometheus registry samples exemplars only while tracing is on (TracingTest shows them in a scrape). */
class ExemplarsTest {

    @Test
    void noSamplerWhileTracingIsOff() {
        assertTrue(new Exemplars().exemplarSampler(true).isEmpty());
    }

    @Test
    void aSamplerOfTheCurrentSpanWhileTracingIsOn() {
        assertTrue(new Exemplars().exemplarSampler(false).isPresent());
        Exemplars.CurrentSpan outsideAnySpan = new Exemplars.CurrentSpan();
        assertFalse(outsideAnySpan.isSampled());
        assertNull(outsideAnySpan.getTraceId());
        assertNull(outsideAnySpan.getSpanId());
    }
}
