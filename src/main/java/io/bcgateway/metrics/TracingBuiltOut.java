package io.bcgateway.metrics;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.arc.properties.IfBuildProperty;

/**
 * A build without tracing ({@code quarkus.otel.enabled=false} at build time, or {@code -Dno-tracing}, which leaves
 * the OpenTelemetry extension out of the jar; see docs/deployment.md): the extension then produces no
 * {@link OpenTelemetry} and no {@link Tracer}, so these no-op ones stand in and {@link Spans} stays off. It saves
 * the SDK's classes at every start (the sidecar and serverless images, where memory and start time are paid per
 * pod); the price is that such a build cannot turn tracing on at run time.
 */
@IfBuildProperty(name = "quarkus.otel.enabled", stringValue = "false")
public class TracingBuiltOut {

    private static final Logger LOG = Logger.getLogger(TracingBuiltOut.class);

    @Produces
    @Singleton
    OpenTelemetry openTelemetry(
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "true") boolean tracingOff) {
        if (!tracingOff) {
            LOG.warn("quarkus.otel.sdk.disabled=false has no effect: this gateway was built without tracing "
                    + "(quarkus.otel.enabled=false); no spans are made or exported");
        }
        return OpenTelemetry.noop();
    }

    @Produces
    @Singleton
    Tracer tracer(OpenTelemetry otel) {
        return otel.getTracer("bc-gateway");
    }
}
