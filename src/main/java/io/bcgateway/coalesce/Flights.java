package io.bcgateway.coalesce;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.bcgateway.connection.Connection;
import io.bcgateway.gate.LocalAnswer;
import io.bcgateway.gate.Launcher;
import io.bcgateway.problem.Problem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Coalesced reads: concurrent identical GETs share one call to Business Central. "Identical" is the connection, the
 * gateway address the caller used (BC's addresses in the answer are rewritten to it), the path and query, and the
 * headers that shape BC's answer ({@link #SHAPING}). Nothing is cached: a flight lands when its answer's head is
 * decided, and later requests start a new one.
 *
 * <p>Cost for a caller nobody joins: one map lookup, one insert, one remove, and the key string. Each caller's policy
 * has been checked before it gets here, and every caller, leader or waiter, gets its own access-log line and request
 * metrics; {@code bc_gateway_coalesced_requests_total} counts the BC calls saved.
 */
public final class Flights {

    /** The request headers that change BC's answer (or its encoding); they are part of the key. */
    static final List<String> SHAPING = List.of("Accept", "Accept-Language", "Accept-Encoding", "Prefer",
            "Data-Access-Intent", "If-None-Match");
    /** Flights a waiter may join or lead before it goes on its own (each of them broke off under it). */
    static final int MAX_TRIES = 3;

    private final Map<String, Flight> inFlight = new ConcurrentHashMap<>();
    private final int maxBody;
    private final MeterRegistry registry;
    private final Map<String, Counter> saved = new ConcurrentHashMap<>();

    public Flights(int maxBody, MeterRegistry registry) {
        this.maxBody = maxBody;
        this.registry = registry;
    }

    /** The key of a GET: what makes two of them identical. */
    public static String key(HttpServerRequest request, String connection, String gatewayBase) {
        StringBuilder key = new StringBuilder(128).append(connection).append('\n').append(gatewayBase).append('\n')
                .append(request.uri());
        for (String name : SHAPING) {
            String value = request.getHeader(name);
            key.append('\n');
            if (value != null) {
                key.append(value);
            }
        }
        return key.toString();
    }

    /** Joins the flight for {@code key}, or leads one (the launcher then sends the request with the flight as tap). */
    public void enter(HttpServerRequest request, String caller, Connection connection, String key, Launcher launcher) {
        if (!inFlight.containsKey(key)) { // the usual case: nobody to join, and no waiter made for it
            Flight mine = new Flight(this, key, maxBody);
            if (inFlight.putIfAbsent(key, mine) == null) {
                launcher.launch(null, mine);
                return;
            }
        }
        enter(new Waiter(request, caller, connection, key, launcher, Vertx.currentContext(), System.nanoTime(), 0));
    }

    private void enter(Waiter w) {
        if (w.tries() >= MAX_TRIES) {
            w.launcher().launch(null, null);
            return;
        }
        Waiter next = new Waiter(w.request(), w.caller(), w.connection(), w.key(), w.launcher(), w.context(),
                w.startNanos(), w.tries() + 1);
        Flight current = inFlight.get(w.key());
        if (current != null && current.join(next)) {
            return;
        }
        Flight mine = new Flight(this, w.key(), maxBody);
        Flight raced = inFlight.putIfAbsent(w.key(), mine);
        if (raced == null) {
            w.launcher().launch(null, mine);
        } else if (!raced.join(next)) {
            w.launcher().launch(null, null); // two flights landed under it meanwhile: not worth a third look
        }
    }

    /** Flights in the air now (for tests). */
    int inFlight() {
        return inFlight.size();
    }

    void landed(String key, Flight flight) {
        inFlight.remove(key, flight);
    }

    /** Each waiter gets the shared answer, on its own event loop. */
    void deliver(List<Waiter> waiters, int status, MultiMap headers, Buffer body, Problem problem) {
        for (Waiter w : waiters) {
            counter(w.connection()).increment();
            w.context().runOnContext(v -> {
                if (problem != null) {
                    LocalAnswer.send(w.request(), w.caller(), w.connection(), w.startNanos(), problem);
                } else {
                    LocalAnswer.send(w.request(), w.caller(), w.connection(), w.startNanos(), status, headers,
                            body);
                }
            });
        }
    }

    /** The answer is too large to share: each waiter sends its own request. */
    void sendAlone(List<Waiter> waiters) {
        for (Waiter w : waiters) {
            w.context().runOnContext(v -> w.launcher().launch(null, null));
        }
    }

    /** The leader's answer broke off: each waiter joins or leads a new flight. */
    void retry(List<Waiter> waiters) {
        for (Waiter w : waiters) {
            w.context().runOnContext(v -> {
                if (w.request().response().closed()) {
                    return;
                }
                enter(w);
            });
        }
    }

    private Counter counter(Connection connection) {
        return saved.computeIfAbsent(connection.name(), name -> Counter.builder("bc.gateway.coalesced.requests")
                .description("GETs answered from another caller's identical GET in flight: BC calls saved")
                .tag("connection", name).register(registry));
    }
}
