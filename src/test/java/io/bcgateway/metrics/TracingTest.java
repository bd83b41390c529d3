package io.bcgateway.metrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.Gateway;
import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

/**
 * With tracing switched on (standard OTel properties), a pass-through request continues the caller's W3C trace:
 * Quarkus's server span, then the gateway's admission, token and upstream-attempt spans (numbered, one per retry),
 * and BC receives a {@code traceparent} of the same trace.
 */
@QuarkusTest
@TestProfile(TracingTest.TracingOn.class)
@WithTestResource(SimulatorProcess.class)
class TracingTest {

    /** The SDK on, spans exported in batches of 50 ms to the in-memory exporter only. */
    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.exporter.otlp.enabled", "false",
                    "quarkus.otel.bsp.schedule.delay", "50ms");
        }
    }

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
    private static final Pattern EXEMPLAR = Pattern.compile(
            " # \\{[^}]*trace_id=\"[0-9a-f]{32}\"");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("bc.attempt");
    private static final AttributeKey<Long> RETRY = AttributeKey.longKey("bc.retry");

    @InjectSimulator
    SimulatorClient simulator;

    @Inject
    InMemorySpanExporter spans;

    @AfterEach
    void restore() {
        simulator.restoreDefaults();
    }

    /** The spans of our trace, once {@code done} holds for them (export is asynchronous; bounded wait). */
    private List<SpanData> awaitSpans(Predicate<List<SpanData>> done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<SpanData> ours = List.of();
        while (System.nanoTime() < deadline) {
            ours = spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(TRACE_ID)).toList();
            if (done.test(ours)) {
                return ours;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        return ours;
    }

    private static List<SpanData> named(List<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).toList();
    }

    @Test
    void aRetriedRequestIsOneTraceWithAdmissionTokenAndNumberedAttempts() {
        spans.reset();
        simulator.updateSettings(new JsonObject().put("retryAfterOn429", 1));
        simulator.forceFaults(429, 1);
        simulator.resetRequestLog();
        given().header("traceparent", CALLER).get("/bc/sim/api/v2.0/companies").then().statusCode(200);

        List<SpanData> ours = awaitSpans(s -> named(s, "bc.attempt").size() == 2
                && s.stream().anyMatch(x -> x.getKind() == SpanKind.SERVER));
        SpanData server = ours.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow(
                () -> new AssertionError("no server span in " + ours));
        assertEquals("00f067aa0ba902b7", server.getParentSpanId(), "the caller's trace is continued");
        List<SpanData> attempts = named(ours, "bc.attempt");
        assertEquals(2, attempts.size(), ours::toString);
        assertEquals(List.of(1L, 2L), attempts.stream().map(s -> s.getAttributes().get(ATTEMPT)).sorted().toList());
        assertEquals(List.of(0L, 1L), attempts.stream().map(s -> s.getAttributes().get(RETRY)).sorted().toList());
        assertEquals(2, named(ours, "bc.admission").size(), "admitted for each attempt");
        assertFalse(named(ours, "bc.token").isEmpty());
        for (SpanData s : ours) {
            if (s.getName().startsWith("bc.")) {
                assertEquals(server.getSpanId(), s.getParentSpanId(), s.getName() + " is a child of the request");
                assertEquals("sim", s.getAttributes().get(AttributeKey.stringKey("bc.connection")));
            }
        }

        List<JsonObject> atBc = simulator.bcRequests();
        assertEquals(2, atBc.size(), atBc::toString);
        for (JsonObject r : atBc) {
            String traceparent = r.getString("traceparent");
            assertNotNull(traceparent, "BC received a traceparent: " + r);
            assertTrue(traceparent.startsWith("00-" + TRACE_ID + "-"), traceparent);
            assertFalse(traceparent.equals(CALLER), "the gateway's own span, not the caller's, is BC's parent");
        }
    }

    @Test
    void histogramsCarryTheTraceOfAnObservationAsAnExemplar() {
        given().header("traceparent", CALLER).get("/bc/sim/api/v2.0/companies").then().statusCode(200);
        // Exemplars only appear in the OpenMetrics format; with tracing on (Exemplars' sampler) a bucket of the
        // request duration names the trace of a request it counted.
        var scrape = Gateway.send(HttpRequest.newBuilder(URI.create(Gateway.managementUrl("/q/metrics")))
                .header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8").timeout(Duration.ofSeconds(30)).GET()
                .build());
        String text = scrape.body();
        assertEquals(200, scrape.statusCode(), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("bc_gateway_request_duration_seconds_bucket{")
                && l.contains("connection=\"sim\"") && EXEMPLAR.matcher(l).find()),
                "an exemplar with a trace id on bc_gateway_request_duration_seconds: "
                        + text.lines().filter(l -> l.contains("bc_gateway_request_duration")).limit(20).toList()
                        + scrape.headers().map());
    }

    @Test
    void fanOutPagesAreChildSpans() {
        spans.reset();
        given().header("traceparent", CALLER).get("/fanout/sim/companies/customers").then().statusCode(200);
        List<SpanData> ours = awaitSpans(s -> named(s, "bc.fanout.page").size() >= 3);
        assertTrue(named(ours, "bc.fanout.page").size() >= 3, "one span per company page: " + ours);
    }
}
