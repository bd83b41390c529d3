package io.bcgateway.metrics;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.vertx.core.MultiMap;

/**
 * The gateway's own spans under the inbound request's server span (which Quarkus creates for every HTTP request,
 * Vert.x routes included): admission wait, token, each upstream attempt with its number, fan-out targets. When
 * tracing is off ({@code quarkus.otel.sdk.disabled=true}, the default) every method returns at once without
 * allocating: {@link #start} gives null and the others accept null.
 */
public final class Spans {

    private final Tracer tracer;
    private final OpenTelemetry otel;

    Spans(Tracer tracer, OpenTelemetry otel) {
        this.tracer = tracer;
        this.otel = otel;
    }

    static Spans off() {
        return new Spans(null, null);
    }

    /** A child of the current span, or null when tracing is off. */
    public Span start(String name, String connection) {
        if (tracer == null) {
            return null;
        }
        return tracer.spanBuilder(name).setAttribute("bc.connection", connection).startSpan();
    }

    /** An upstream attempt: {@code attempt} counts from 1, so {@code bc.retry} is 0 for the first. */
    public Span startAttempt(String connection, int attempt) {
        Span span = start("bc.attempt", connection);
        if (span != null) {
            span.setAttribute("bc.attempt", attempt);
            span.setAttribute("bc.retry", attempt - 1);
        }
        return span;
    }

    /** Makes {@code span} current until the scope closes (so client spans nest under it); null: nothing. */
    public static Scope makeCurrent(Span span) {
        return span == null ? Scope.noop() : span.makeCurrent();
    }

    /** Ends {@code span}; a failure marks it as an error (its class name only: messages may name a principal). */
    public static void end(Span span, Throwable failure) {
        if (span == null) {
            return;
        }
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
        }
        span.end();
    }

    /** Ends an attempt span with BC's status (0: no answer). */
    public static void end(Span span, int status) {
        if (span == null) {
            return;
        }
        if (status > 0) {
            span.setAttribute("http.response.status_code", status);
        }
        if (status == 0 || status >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    /**
     * W3C trace context for Business Central: {@code traceparent} (and {@code tracestate}) of {@code span}, replacing
     * whatever the caller sent. With tracing off the caller's own headers pass through unchanged.
     */
    public void inject(Span span, MultiMap headers) {
        if (span == null) {
            return;
        }
        otel.getPropagators().getTextMapPropagator().inject(Context.current().with(span), headers,
                (carrier, key, value) -> carrier.set(key, value));
    }
}
