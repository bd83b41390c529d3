package io.bcgateway.throttle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * Admission to one Business Central principal: never more than its running-slot limit at once, never more than
 * its rate inside the sliding window, nothing at all while the principal is paused (after BC said
 * {@code Retry-After}). Requests beyond that wait in a bounded FIFO queue — fair: first come, first sent — until
 * their deadline; one that cannot be sent in time is refused with the time after which a retry can succeed.
 *
 * <p>BC's limits per principal (bc-facts): 6,000 requests per 5-minute sliding window, 5 running, 95 queued. The
 * gateway keeps its own queue in front so that BC's queue and its 429s are never reached.
 *
 * <p>Thread-safe: state changes happen under the object's lock; promises complete outside it.
 */
public final class Admission implements AdmissionControl {

    /** A running slot; give it back exactly once, by one of the two methods. */
    public interface Permit {
        /** BC received the request (it answered, or the exchange broke after sending): it counts in the window. */
        void release();

        /**
         * BC never received the request (the token failed, the circuit was open, the caller left before it was
         * sent, the connection could not be opened): the slot is free again and the window does not count it,
         * because BC did not either.
         */
        void releaseUnsent();
    }

    private final String principal;
    private final int maxRunning;
    private final int windowLimit;
    private final int maxQueued;
    private final Clock clock;
    private final Timers timers;

    private final Deque<Waiter> queue = new ArrayDeque<>();
    /**
     * Requests that finished inside the current window, by the instant they finished, oldest first. A request
     * counts in the window from its admission; it leaves the window {@code window} after it finished, because
     * the gateway cannot know when BC counted it, only that BC did before it answered. Finishing instants come
     * in order, so the log stays sorted; running requests are counted by {@link #running}. Finishing instants are
     * kept to the millisecond, rounded up: a request leaves the window up to a millisecond late, never early.
     */
    private final SlidingWindowLog finished;
    private int running;
    private Instant pausedUntil = Instant.MIN;
    private long wakeTimer = -1;
    private Instant wakeAt;

    public Admission(String principal, int maxRunning, int windowLimit, Duration window, int maxQueued, Clock clock,
            Timers timers) {
        if (maxRunning < 1 || windowLimit < 1 || maxQueued < 0 || window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("admission for '" + principal
                    + "' needs maxRunning >= 1, windowLimit >= 1, a positive window and maxQueued >= 0");
        }
        this.principal = principal;
        this.maxRunning = maxRunning;
        this.windowLimit = windowLimit;
        this.finished = new SlidingWindowLog(window);
        this.maxQueued = maxQueued;
        this.clock = clock;
        this.timers = timers;
    }

    /**
     * A running slot, as soon as limits allow and no later than {@code deadline}; otherwise fails with an
     * {@link AdmissionRejectedException}.
     */
    public Future<Permit> acquire(Instant deadline) {
        List<Runnable> completions = new ArrayList<>(1);
        Promise<Permit> promise = Promise.promise();
        synchronized (this) {
            Instant now = clock.instant();
            Instant earliest = earliestStart(now);
            boolean admitNow = queue.isEmpty() && running < maxRunning && !earliest.isAfter(now);
            if (!admitNow && queue.size() >= maxQueued) {
                completions.add(() -> promise.fail(new AdmissionRejectedException(
                        "the gateway's queue for principal '" + principal + "' is full", retryAfter(now))));
            } else if (!earliest.equals(Instant.MAX) && earliest.isAfter(deadline)) {
                completions.add(() -> promise.fail(new AdmissionRejectedException(
                        "principal '" + principal + "' cannot be sent to before the request's deadline",
                        Duration.between(now, earliest))));
            } else if (admitNow) {
                // Nothing queued ahead and a slot free: no waiter and no deadline timer to set and cancel.
                running++;
                completions.add(() -> promise.complete(new OnceReleased()));
            } else {
                Waiter w = new Waiter(promise, deadline);
                queue.addLast(w);
                w.deadlineTimer = timers.schedule(Duration.between(now, deadline).plusMillis(1), () -> expire(w));
                drain(now, completions);
            }
        }
        completions.forEach(Runnable::run);
        return promise.future();
    }

    /**
     * BC answered 429 or 503 with {@code Retry-After} (or the gateway backs off): nothing is sent to this principal
     * until {@code until}; queued requests wait (or give up when their deadline comes first).
     */
    public void pauseUntil(Instant until) {
        List<Runnable> completions = new ArrayList<>();
        synchronized (this) {
            if (until.isAfter(pausedUntil)) {
                pausedUntil = until;
            }
            drain(clock.instant(), completions);
        }
        completions.forEach(Runnable::run);
    }

    public synchronized int running() {
        return running;
    }

    public synchronized int queued() {
        return queue.size();
    }

    /** Requests counted in the current window: the running ones and those that finished inside it. */
    public synchronized int sentInWindow() {
        prune(clock.instant());
        return (int) Math.min(Integer.MAX_VALUE, finished.count() + running);
    }

    private void release(boolean sent) {
        List<Runnable> completions = new ArrayList<>();
        synchronized (this) {
            Instant now = clock.instant();
            running--;
            if (sent) {
                finished.add(SlidingWindowLog.ceilMillis(now));
            }
            drain(now, completions);
        }
        completions.forEach(Runnable::run);
    }

    private void expire(Waiter w) {
        List<Runnable> completions = new ArrayList<>(1);
        synchronized (this) {
            if (!queue.remove(w)) {
                return;
            }
            Instant now = clock.instant();
            completions.add(() -> w.promise.fail(new AdmissionRejectedException(
                    "principal '" + principal + "' had no free slot before the request's deadline",
                    retryAfter(now))));
        }
        completions.forEach(Runnable::run);
    }

    private void onWake() {
        List<Runnable> completions = new ArrayList<>();
        synchronized (this) {
            wakeTimer = -1;
            wakeAt = null;
            drain(clock.instant(), completions);
        }
        completions.forEach(Runnable::run);
    }

    /** Admits queued requests while the limits allow; otherwise arranges to look again when they will. */
    private void drain(Instant now, List<Runnable> completions) {
        while (!queue.isEmpty() && running < maxRunning) {
            Instant earliest = earliestStart(now);
            if (earliest.isAfter(now)) {
                if (!earliest.equals(Instant.MAX)) {
                    wakeAt(now, earliest);
                }
                return;
            }
            Waiter w = queue.removeFirst();
            timers.cancel(w.deadlineTimer);
            running++;
            completions.add(() -> w.promise.complete(new OnceReleased()));
        }
    }

    /**
     * When limits other than the running slots next allow a send: the pause, and the window's oldest finished
     * request leaving it. When the window is full of running requests only, a release will drain again.
     */
    private Instant earliestStart(Instant now) {
        prune(now);
        Instant earliest = pausedUntil.isAfter(now) ? pausedUntil : now;
        if (finished.count() + running >= windowLimit) {
            Instant windowFree = finished.isEmpty() ? Instant.MAX : Instant.ofEpochMilli(finished.oldestLeavesAtMillis());
            if (windowFree.isAfter(earliest)) {
                earliest = windowFree;
            }
        }
        return earliest;
    }

    /** How long a refused caller should wait: until the pause or the window next frees a send. */
    private Duration retryAfter(Instant now) {
        Instant earliest = earliestStart(now);
        if (earliest.equals(Instant.MAX)) {
            return Duration.ofSeconds(1);
        }
        Duration d = Duration.between(now, earliest);
        return d.isZero() ? Duration.ofSeconds(1) : d;
    }

    /** Forgets the requests that left the window by {@code now}: those that finished a window or more ago. */
    private void prune(Instant now) {
        finished.expire(now.toEpochMilli());
    }

    private void wakeAt(Instant now, Instant at) {
        if (wakeAt != null && !wakeAt.isAfter(at)) {
            return;
        }
        if (wakeTimer >= 0) {
            timers.cancel(wakeTimer);
        }
        wakeAt = at;
        wakeTimer = timers.schedule(Duration.between(now, at), this::onWake);
    }

    private static final class Waiter {
        final Promise<Permit> promise;
        final Instant deadline;
        long deadlineTimer;

        Waiter(Promise<Permit> promise, Instant deadline) {
            this.promise = promise;
            this.deadline = deadline;
        }
    }

    private final class OnceReleased implements Permit {
        private boolean released;

        @Override
        public void release() {
            releaseOnce(true);
        }

        @Override
        public void releaseUnsent() {
            releaseOnce(false);
        }

        private void releaseOnce(boolean sent) {
            synchronized (Admission.this) {
                if (released) {
                    return;
                }
                released = true;
            }
            Admission.this.release(sent);
        }
    }
}
