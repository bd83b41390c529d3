package io.bcgateway.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.bcgateway.throttle.Admission;
import io.bcgateway.throttle.AdmissionControl;
import io.bcgateway.throttle.AdmissionRejectedException;
import io.bcgateway.throttle.Timers;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * One principal's admission shared with the other replicas through Redis: the running slots, the sliding window
 * and the Retry-After pause are Redis's ({@link RedisQuotaStore}); this class keeps the local FIFO queue with
 * deadlines in front of it.
 *
 * <p>Only the head of the local queue asks Redis, with one ticket per replica: Redis serves tickets in arrival
 * order, so the replicas take turns and none starves. A refused head asks again when Redis says the window or
 * pause frees a send, after a release on this replica, or after {@code poll-interval} when a slot held by another
 * replica must be released first.
 *
 * <p>While Redis is unreachable the principal runs on {@code local}, an {@link Admission} with a share of the
 * limits: waiting requests move there with their deadlines, new ones go there, nothing is lost. Permits handed out
 * before the outage are released to Redis when it answers, or their leases simply expire.
 */
final class ClusterAdmission implements AdmissionControl {

    private final String label;
    private final QuotaKeys keys;
    private final RedisQuotaStore.Limits limits;
    private final int maxQueued;
    private final ClusterQuotas cluster;
    private final Admission local;
    private final Clock clock;
    private final Timers timers;

    private final Deque<Waiter> queue = new ArrayDeque<>();
    private final Set<String> held = new LinkedHashSet<>();
    private String ticket;
    private boolean asking;
    private long pollTimer = -1;
    private long lastWaitMillis = -1;
    private int lastInWindow;

    ClusterAdmission(String label, QuotaKeys keys, RedisQuotaStore.Limits limits, int maxQueued, ClusterQuotas cluster,
            Admission local, Clock clock, Timers timers) {
        this.label = label;
        this.keys = keys;
        this.limits = limits;
        this.maxQueued = maxQueued;
        this.cluster = cluster;
        this.local = local;
        this.clock = clock;
        this.timers = timers;
        this.ticket = cluster.newId("t");
    }

    @Override
    public Future<Admission.Permit> acquire(Instant deadline) {
        if (cluster.degraded()) {
            return local.acquire(deadline);
        }
        Promise<Admission.Permit> promise = Promise.promise();
        Instant now = clock.instant();
        boolean full;
        synchronized (this) {
            full = queue.size() >= maxQueued;
            if (!full) {
                Waiter w = new Waiter(promise, deadline);
                queue.addLast(w);
                w.deadlineTimer = timers.schedule(Duration.between(now, deadline).plusMillis(1), () -> expire(w));
            }
        }
        if (full) {
            promise.fail(new AdmissionRejectedException("the gateway's queue for principal '" + label + "' is full",
                    retryAfter()));
        } else {
            pump();
        }
        return promise.future();
    }

    @Override
    public void pauseUntil(Instant until) {
        Duration pause = Duration.between(clock.instant(), until);
        if (pause.isNegative() || pause.isZero()) {
            return;
        }
        local.pauseUntil(until);
        if (!cluster.degraded()) {
            cluster.timed(cluster.store().pause(keys, pause, null), null).onFailure(this::redisFailed);
        }
    }

    @Override
    public synchronized int running() {
        return held.size() + local.running();
    }

    @Override
    public synchronized int queued() {
        return queue.size() + local.queued();
    }

    @Override
    public int sentInWindow() {
        if (cluster.degraded()) {
            return local.sentInWindow();
        }
        synchronized (this) {
            return lastInWindow;
        }
    }

    /** Asks Redis for a slot for the head of the queue, unless a question is already out. */
    void pump() {
        String lease;
        String asked;
        List<Runnable> completions = new ArrayList<>();
        synchronized (this) {
            if (asking || queue.isEmpty()) {
                return;
            }
            if (cluster.degraded()) {
                moveToLocal(completions);
                lease = null;
                asked = null;
            } else {
                cancelPoll();
                asking = true;
                lease = cluster.newId("l");
                asked = ticket;
            }
        }
        completions.forEach(Runnable::run);
        if (lease == null) {
            return;
        }
        cluster.timed(cluster.store().acquire(keys, asked, lease, limits, null), late -> {
            if (late.granted()) {
                giveBack(lease); // granted after the time-out: nobody holds it
            }
        }).onComplete(ar -> {
            if (ar.failed()) {
                synchronized (this) {
                    asking = false;
                }
                redisFailed(ar.cause());
            } else {
                answered(ar.result(), lease);
            }
        });
    }

    private void answered(RedisQuotaStore.Answer answer, String lease) {
        Waiter admitted = null;
        boolean unused = false;
        String abandoned = null;
        List<Waiter> tooLate = new ArrayList<>();
        synchronized (this) {
            asking = false;
            lastInWindow = answer.inWindow();
            if (answer.granted()) {
                lastWaitMillis = -1;
                ticket = cluster.newId("t"); // the next request queues behind the other replicas' tickets
                if (queue.isEmpty()) {
                    unused = true;
                } else {
                    admitted = queue.removeFirst();
                    timers.cancel(admitted.deadlineTimer);
                    held.add(lease);
                }
            } else {
                lastWaitMillis = answer.waitMillis();
                if (answer.waitMillis() > 0) {
                    // The window or a pause holds every replica until then: who cannot wait that long hears it now.
                    Instant earliest = clock.instant().plusMillis(answer.waitMillis());
                    queue.removeIf(w -> {
                        if (w.deadline.isBefore(earliest)) {
                            timers.cancel(w.deadlineTimer);
                            tooLate.add(w);
                            return true;
                        }
                        return false;
                    });
                }
                if (queue.isEmpty()) {
                    abandoned = ticket;
                    ticket = cluster.newId("t");
                } else {
                    long wait = answer.waitMillis() < 0 ? cluster.config().pollInterval().toMillis()
                            : Math.min(answer.waitMillis(), limits.leaseTtl().toMillis() / 3);
                    pollTimer = timers.schedule(Duration.ofMillis(Math.max(1, wait)), this::onPoll);
                }
            }
        }
        if (unused) {
            giveBack(lease);
        }
        if (abandoned != null) {
            cluster.timed(cluster.store().cancel(keys, abandoned, null), null);
        }
        for (Waiter w : tooLate) {
            w.promise.tryFail(new AdmissionRejectedException("principal '" + label
                    + "' cannot be sent to before the request's deadline", Duration.ofMillis(answer.waitMillis())));
        }
        if (admitted != null) {
            admitted.promise.complete(new Lease(lease));
            pump();
        }
    }

    private void onPoll() {
        synchronized (this) {
            pollTimer = -1;
        }
        pump();
    }

    private void expire(Waiter w) {
        String abandoned = null;
        synchronized (this) {
            if (!queue.remove(w)) {
                return;
            }
            if (queue.isEmpty() && !asking) {
                // Nobody here waits any more: the ticket must not keep its place ahead of other replicas.
                cancelPoll();
                abandoned = ticket;
                ticket = cluster.newId("t");
            }
        }
        if (abandoned != null) {
            cluster.timed(cluster.store().cancel(keys, abandoned, null), null);
        }
        w.promise.tryFail(new AdmissionRejectedException(
                "principal '" + label + "' had no free slot before the request's deadline", retryAfter()));
    }

    /** Heartbeat: keeps the leases of running requests from expiring. */
    void renew() {
        List<String> leases;
        synchronized (this) {
            if (held.isEmpty() || cluster.degraded()) {
                return;
            }
            leases = List.copyOf(held);
        }
        cluster.timed(cluster.store().renew(keys, limits.leaseTtl(), leases, null), null).onFailure(this::redisFailed);
    }

    private void giveBack(String lease) {
        giveBack(lease, true);
    }

    /** Frees the slot in Redis; {@code sent}: BC received the request, so it stays in the shared window. */
    private void giveBack(String lease, boolean sent) {
        cluster.timed(sent ? cluster.store().release(keys, lease, null) : cluster.store().releaseUnsent(keys, lease,
                null), null)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        redisFailed(ar.cause()); // the lease expires on its own
                    } else {
                        pump();
                    }
                });
    }

    private void redisFailed(Throwable cause) {
        cluster.failed(cause);
        List<Runnable> completions = new ArrayList<>();
        synchronized (this) {
            moveToLocal(completions);
        }
        completions.forEach(Runnable::run);
    }

    /** Redis is unreachable: the waiting requests queue on the local share, in order, with their deadlines. */
    private void moveToLocal(List<Runnable> completions) {
        cancelPoll();
        while (!queue.isEmpty()) {
            Waiter w = queue.removeFirst();
            timers.cancel(w.deadlineTimer);
            completions.add(() -> local.acquire(w.deadline).onComplete(w.promise));
        }
    }

    private void cancelPoll() {
        if (pollTimer >= 0) {
            timers.cancel(pollTimer);
            pollTimer = -1;
        }
    }

    private synchronized Duration retryAfter() {
        return lastWaitMillis > 0 ? Duration.ofMillis(lastWaitMillis) : Duration.ofSeconds(1);
    }

    private static final class Waiter {
        final Promise<Admission.Permit> promise;
        final Instant deadline;
        long deadlineTimer;

        Waiter(Promise<Admission.Permit> promise, Instant deadline) {
            this.promise = promise;
            this.deadline = deadline;
        }
    }

    /** A running slot held in Redis; released once. */
    private final class Lease implements Admission.Permit {
        private final String id;

        Lease(String id) {
            this.id = id;
        }

        @Override
        public void release() {
            releaseOnce(true);
        }

        @Override
        public void releaseUnsent() {
            releaseOnce(false);
        }

        private void releaseOnce(boolean sent) {
            synchronized (ClusterAdmission.this) {
                if (!held.remove(id)) {
                    return;
                }
            }
            giveBack(id, sent);
        }
    }
}
