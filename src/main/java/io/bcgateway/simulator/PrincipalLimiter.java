package io.bcgateway.simulator;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * BC's per-principal operational limits (bc-facts "Limits"), keyed by the token's client id:
 * <ul>
 *   <li>a sliding rate window: at most {@code rateLimitRequests} admitted requests per {@code rateWindowMillis},
 *       measured with the simulator's clock so tests move time instead of sleeping; beyond it 429;</li>
 *   <li>{@code maxRunning} requests execute at once, the next {@code maxQueued} wait in FIFO order; beyond
 *       running + queued ({@code maxConnections}) 429;</li>
 *   <li>a request waiting longer than {@code queueTimeoutMillis} is dropped with 503.</li>
 * </ul>
 * A rejected or timed-out request was never started, so the data store cannot have changed: that is what makes
 * replaying it safe at BC, and the simulator keeps the same promise. Waiting never blocks an event loop: a
 * queued request is a {@link Ticket} whose start action a finishing request runs on the waiter's own context.
 */
final class PrincipalLimiter {

    /** Why a request was refused before it ran; {@code actual}/{@code maximum} go into BC's 429 message. */
    record Rejection(long actual, long maximum) { }

    /** What a request does once admitted, refused, or dropped from the queue. */
    interface Callbacks {
        void start();

        void tooMany(Rejection r);

        void queueTimedOut();
    }

    private enum Status { NEW, WAITING, RUNNING, DONE }

    /** One principal's window of admission times, running count and queue; guarded by its own monitor. */
    private static final class PrincipalState {
        final ArrayDeque<Long> admitted = new ArrayDeque<>();
        final ArrayDeque<Ticket> queue = new ArrayDeque<>();
        int running;
    }

    /** One request's place in the limiter. {@link #release()} must run when its response ends or its connection closes. */
    final class Ticket {
        private final String principal;
        private final PrincipalState state;
        private final Context context;
        private Callbacks callbacks;
        private Status status = Status.NEW;
        private long timerId = -1;

        private Ticket(String principal, PrincipalState state, Context context) {
            this.principal = principal;
            this.state = state;
            this.context = context;
        }

        /** Starts the request now, queues it, or refuses it. Callbacks run outside the limiter's lock. */
        void admit(Callbacks cb) {
            Rejection rejection = null;
            boolean startNow = false;
            List<Ticket> promoted = new ArrayList<>();
            synchronized (state) {
                if (status != Status.NEW) return; // the connection closed before admission: nothing to answer or hold
                callbacks = cb;
                long now = clock.millis();
                long windowStart = now - settings.rateWindowMillis();
                while (!state.admitted.isEmpty() && state.admitted.peekFirst() <= windowStart) {
                    state.admitted.pollFirst();
                }
                int waiting = state.queue.size();
                if (state.admitted.size() >= settings.rateLimitRequests()) {
                    rejection = new Rejection(state.admitted.size() + 1L, settings.rateLimitRequests());
                } else if (state.running + waiting >= settings.maxConnections()) {
                    rejection = new Rejection(state.running + waiting + 1L, settings.maxConnections());
                } else {
                    state.admitted.addLast(now);
                    if (state.running < settings.maxRunning() && waiting == 0) {
                        status = Status.RUNNING;
                        state.running++;
                        stats.bcRunning(principal, state.running);
                        startNow = true;
                    } else {
                        status = Status.WAITING;
                        state.queue.addLast(this);
                        stats.bcQueued(principal, state.queue.size());
                        timerId = vertx.setTimer(settings.queueTimeoutMillis(), id -> timedOut());
                        promoteLocked(promoted); // maxRunning may have grown since the queue formed
                    }
                }
                if (rejection != null) status = Status.DONE;
            }
            if (rejection != null) {
                cb.tooMany(rejection);
            } else if (startNow) {
                cb.start();
            }
            startAll(promoted);
        }

        private void timedOut() {
            synchronized (state) {
                if (status != Status.WAITING) return;
                state.queue.remove(this);
                status = Status.DONE;
            }
            callbacks.queueTimedOut();
        }

        /** Frees the running slot (starting the next waiter) or leaves the queue. Idempotent. */
        void release() {
            List<Ticket> promoted = new ArrayList<>();
            synchronized (state) {
                if (status == Status.WAITING) {
                    // the client went away while waiting
                    state.queue.remove(this);
                    vertx.cancelTimer(timerId);
                } else if (status == Status.RUNNING) {
                    state.running--;
                    promoteLocked(promoted);
                }
                status = Status.DONE;
            }
            startAll(promoted);
        }

        /** Moves waiters into free running slots, oldest first. Caller holds the state's monitor. */
        private void promoteLocked(List<Ticket> promoted) {
            while (state.running < settings.maxRunning() && !state.queue.isEmpty()) {
                Ticket next = state.queue.pollFirst();
                vertx.cancelTimer(next.timerId);
                next.status = Status.RUNNING;
                state.running++;
                stats.bcRunning(next.principal, state.running);
                promoted.add(next);
            }
        }

        /** Starts promoted requests on their own event loops, outside the lock. */
        private void startAll(List<Ticket> promoted) {
            for (Ticket t : promoted) {
                if (t == this) {
                    t.callbacks.start();
                } else {
                    t.context.runOnContext(v -> t.callbacks.start());
                }
            }
        }
    }

    private final Vertx vertx;
    private final SimulatorSettings settings;
    private final SimulatorStats stats;
    private final Clock clock;
    private final Map<String, PrincipalState> states = new ConcurrentHashMap<>();

    PrincipalLimiter(Vertx vertx, SimulatorSettings settings, SimulatorStats stats, Clock clock) {
        this.vertx = vertx;
        this.settings = settings;
        this.stats = stats;
        this.clock = clock;
    }

    /** A ticket for one request of {@code principal}, whose callbacks run on {@code context}. */
    Ticket ticket(String principal, Context context) {
        return new Ticket(principal, states.computeIfAbsent(principal, k -> new PrincipalState()),
                context != null ? context : vertx.getOrCreateContext());
    }

    /** Per principal: requests running, waiting, and admitted within the current rate window. */
    com.fasterxml.jackson.databind.node.ObjectNode toJson() {
        var n = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        long windowStart = clock.millis() - settings.rateWindowMillis();
        new java.util.TreeMap<>(states).forEach((principal, s) -> {
            synchronized (s) {
                var p = n.putObject(principal);
                p.put("running", s.running);
                p.put("queued", s.queue.size());
                p.put("inWindow", s.admitted.stream().filter(t -> t > windowStart).count());
            }
        });
        return n;
    }

    /**
     * Forgets every rate window. Running and queued requests keep their places and are released as usual, so
     * the running counts stay exact.
     */
    void resetWindows() {
        for (PrincipalState s : states.values()) {
            synchronized (s) {
                s.admitted.clear();
            }
        }
    }
}
