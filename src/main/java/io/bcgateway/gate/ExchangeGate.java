package io.bcgateway.gate;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.bcgateway.coalesce.Flights;
import io.bcgateway.config.CoalesceConfig;
import io.bcgateway.config.ConnectionConfig;
import io.bcgateway.config.GatewayConfig;
import io.bcgateway.connection.Connection;
import io.bcgateway.idempotency.Idempotency;
import io.bcgateway.idempotency.IdempotencyKey;
import io.bcgateway.problem.Problem;
import io.bcgateway.problem.ProblemType;
import io.bcgateway.proxy.GatewayUrl;
import io.bcgateway.readintent.ReadIntent;
import io.bcgateway.readintent.RecentWrites;
import io.bcgateway.readintent.WriteRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * Where a request that passed every check (path, policy, deadline) meets the features that may answer it without
 * a call of its own, just before the pass-through starts it:
 * <ul>
 * <li>a GET: the read intent is decided (BC's replica or primary, {@link ReadIntent}), then it joins an identical GET
 * in flight or leads one ({@link Flights});</li>
 * <li>a write with {@code Idempotency-Key}: answered from its record, or claimed and sent ({@link Idempotency});</li>
 * <li>anything else passes through as it came.</li>
 * </ul>
 */
// Singleton, not application-scoped: injected without a client proxy, whose context look-up every call on the
// request path paid (issue #15).
@Singleton
public class ExchangeGate {

    /** One connection's settings for the gate, read once. */
    private record Settings(boolean requireKey, boolean coalesce, ConnectionConfig.ReadIntent readIntent,
            java.time.Duration readYourWrites) {
    }

    private static final Settings DEFAULTS = new Settings(false, true, ConnectionConfig.ReadIntent.PRIMARY,
            java.time.Duration.ofSeconds(10));

    private final Map<String, Settings> settings = new HashMap<>();
    private final boolean coalesceEnabled;
    private final Flights flights;
    private final Idempotency idempotency;
    private final RecentWrites recentWrites;

    @Inject
    public ExchangeGate(GatewayConfig config, CoalesceConfig coalesce, Idempotency idempotency, Clock clock,
            MeterRegistry registry) {
        config.connections().forEach((name, c) -> settings.put(name,
                new Settings(c.requireIdempotencyKey(), c.coalesce(), c.readIntent(), c.readYourWrites())));
        this.coalesceEnabled = coalesce.enabled();
        this.flights = new Flights(coalesce.maxBody(), registry);
        this.idempotency = idempotency;
        this.recentWrites = new RecentWrites(clock);
    }

    /**
     * Decides what becomes of a request: passed to {@code launcher} (at once or once its body is read), joined to an
     * identical GET in flight, or answered here.
     *
     * @param path the request path below the connection ({@code api/v2.0/companies(...)/customers})
     * @param knownBody the body if it has been read already (a {@code $batch}), else null
     */
    public void admit(HttpServerRequest request, String caller, Connection connection, String path, Buffer knownBody,
            Launcher launcher) {
        Settings s = settings.getOrDefault(connection.name(), DEFAULTS);
        HttpMethod method = request.method();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            ReadIntent.decide(request, connection.name(), caller, path, s.readIntent(), recentWrites);
            if (method == HttpMethod.GET && coalesceEnabled && s.coalesce() && !noCache(request)) {
                flights.enter(request, caller, connection,
                        Flights.key(request, connection.name(), GatewayUrl.base(request)), launcher);
            } else {
                launcher.launch(knownBody, null);
            }
            return;
        }
        Runnable afterWrite = s.readIntent() == ConnectionConfig.ReadIntent.REPLICA
                ? ReadIntent.afterWrite(connection.name(), caller, path, s.readYourWrites(), recentWrites) : null;
        if (request.headers().contains(IdempotencyKey.HEADER)) {
            String query = request.query();
            idempotency.handle(request, caller, connection, query == null ? path : path + '?' + query, knownBody,
                    afterWrite, launcher);
            return;
        }
        if (s.requireKey() && method == HttpMethod.POST) {
            LocalAnswer.send(request, caller, connection, System.nanoTime(), Problem.of(400,
                    ProblemType.IDEMPOTENCY_KEY_MISSING, "Idempotency-Key required",
                    "Connection '" + connection.name() + "' requires an Idempotency-Key header on every POST, so that "
                            + "a repeated POST cannot create a record twice.").with("connection", connection.name()));
            return;
        }
        launcher.launch(knownBody, afterWrite == null ? null : new WriteRecorder(afterWrite));
    }

    /** {@code Cache-Control: no-cache} (or {@code Pragma: no-cache}): the caller wants an answer of its own. */
    private static boolean noCache(HttpServerRequest request) {
        String control = request.getHeader("Cache-Control");
        if (control != null && control.toLowerCase(java.util.Locale.ROOT).contains("no-cache")) {
            return true;
        }
        String pragma = request.getHeader("Pragma");
        return pragma != null && pragma.toLowerCase(java.util.Locale.ROOT).contains("no-cache");
    }
}
