package io.bcgateway.testing;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;

/**
 * Collects finished spans in memory (Quarkus's default {@code cdi} trace exporter picks up every SpanExporter bean).
 * Inert in the default test profile, where the OpenTelemetry SDK is disabled.
 */
@ApplicationScoped
public class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
