package io.bcgateway.metrics;

import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.prometheus.client.exemplars.DefaultExemplarSampler;
import io.prometheus.client.exemplars.ExemplarSampler;
import io.prometheus.client.exemplars.tracer.common.SpanContextSupplier;

/**
 * Prometheus exemplars (the trace and span id of a recent observation, next to a histogram bucket in the OpenMetrics
 * output) only while tracing is on.
 *
 * <p>Why: with OpenTelemetry in the build, Quarkus gives its Prometheus registry an exemplar sampler, which reads the
 * wall clock and the current OpenTelemetry context on every observation of every timer and distribution summary: on
 * a proxied request the gateway's own timers and Quarkus' {@code http_server_bytes_written}, about 6 of the gateway's
 * ~810 CPU samples per 1000 requests (docs/benchmarks.md, "Issue #15, round 3"). With the SDK off
 * ({@code quarkus.otel.sdk.disabled=true}, the default) no span is ever sampled, so no exemplar was ever kept: the
 * work had no result. This producer, selected over Quarkus' own, gives the registry no sampler then, and while
 * tracing is on the same kind of sampler as Quarkus' (the current span's ids, through OpenTelemetry's public API).
 * The sampler is decided once, when the registry is made, as tracing is.
 */
public class Exemplars {

    @Produces
    @Alternative
    @Priority(1)
    Optional<ExemplarSampler> exemplarSampler(
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean tracingOff) {
        return tracingOff ? Optional.empty() : Optional.of(new DefaultExemplarSampler(new CurrentSpan()));
    }

    /** The span of the observation's context: what an exemplar points to, when it was sampled. */
    static final class CurrentSpan implements SpanContextSupplier {

        @Override
        public String getTraceId() {
            SpanContext span = Span.current().getSpanContext();
            return span.isValid() ? span.getTraceId() : null;
        }

        @Override
        public String getSpanId() {
            SpanContext span = Span.current().getSpanContext();
            return span.isValid() ? span.getSpanId() : null;
        }

        @Override
        public boolean isSampled() {
            return Span.current().getSpanContext().isSampled();
        }
    }
}
