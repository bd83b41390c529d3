package io.bcgateway.cluster;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.bcgateway.config.ConfigRefusal;
import io.bcgateway.config.ClusterConfig;
import io.bcgateway.status.EventLog;
import io.bcgateway.throttle.Admission;
import io.bcgateway.throttle.AdmissionControl;
import io.bcgateway.throttle.Timers;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

/**
 * Cluster mode's shared state: the Redis connection, whether Redis is reachable (shared mode) or not (degraded:
 * every principal runs on its local share), the lease heartbeat and the probe that rejoins shared mode.
 *
 * <p>With {@code gateway.cluster.enabled=false} (the default) nothing here touches Redis: the Redis client bean
 * is looked up only when cluster mode is on.
 */
@ApplicationScoped
public class ClusterQuotas {

    private static final Logger LOG = Logger.getLogger(ClusterQuotas.class);

    private final ClusterConfig config;
    private final Vertx vertx;
    private final Clock clock;
    private final RedisQuotaStore store;
    private final String replicaId;
    private final AtomicLong ids = new AtomicLong();
    private final List<ClusterAdmission> admissions = new CopyOnWriteArrayList<>();
    private long heartbeatTimer = -1;
    private long probeTimer = -1;
    private volatile boolean degraded;
    private volatile Instant degradedSince;
    private volatile String lastFailure;
    /** The status page's event log: degraded and restored are events an operator wants to see. */
    private final EventLog events;

    @Inject
    public ClusterQuotas(ClusterConfig config, Instance<Redis> redis, Vertx vertx, Clock clock, EventLog events) {
        this(config, config.enabled() ? new RedisQuotaStore(redis.get()) : null, vertx, clock, events);
    }

    /** For tests: a store on a Redis client of their own. */
    public ClusterQuotas(ClusterConfig config, RedisQuotaStore store, Vertx vertx, Clock clock) {
        this(config, store, vertx, clock, new EventLog(clock));
    }

    private ClusterQuotas(ClusterConfig config, RedisQuotaStore store, Vertx vertx, Clock clock, EventLog events) {
        this.events = events;
        this.config = config;
        this.vertx = vertx;
        this.clock = clock;
        this.store = store;
        // A random part per start: a pod restarted under the same name (and pid 1) must not reuse the lease ids of
        // its previous life, which may still be held in Redis until they expire. Only cluster mode names leases:
        // without it no SecureRandom is seeded and no host name looked up at start (issue 14).
        this.replicaId = config.enabled() ? config.replicaId().orElseGet(ClusterQuotas::defaultReplicaId) + "/"
                + Long.toHexString(new java.security.SecureRandom().nextLong()) : null;
        if (config.enabled()) {
            if (config.expectedReplicas() < 1) {
                throw ConfigRefusal.of("gateway.cluster.expected-replicas", "must be at least 1");
            }
            if (config.leaseTtl().toMillis() < 300) {
                throw ConfigRefusal.of("gateway.cluster.lease-ttl", "must be at least 300ms");
            }
            long every = Math.max(100, config.leaseTtl().toMillis() / 3);
            heartbeatTimer = vertx.setPeriodic(every, id -> admissions.forEach(ClusterAdmission::renew));
            LOG.infof("Cluster mode: principals' quotas are shared through Redis (replica %s, lease %s, local share "
                    + "1/%d while Redis is unreachable)", replicaId, config.leaseTtl(), config.expectedReplicas());
        }
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** Redis unreachable: every principal admits on its local share. */
    public boolean degraded() {
        return degraded;
    }

    /** Since when degraded, or null. */
    public Instant degradedSince() {
        return degradedSince;
    }

    /** The last Redis failure, as an exception class and message (no connection string, no password). */
    public String lastFailure() {
        return lastFailure;
    }

    /**
     * The admission of one principal: shared through Redis, with a local share ({@code limits ÷ expected
     * replicas}) while Redis is unreachable.
     *
     * @param principal BC's principal, {@code tenant/client-id}: replicas configured alike share its keys
     */
    public AdmissionControl admission(String label, String principal, int maxRunning, int rateLimit, Duration window,
            int maxQueued, Timers timers) {
        int n = config.expectedReplicas();
        Admission share = new Admission(label + " (local share)", Math.max(1, maxRunning / n),
                Math.max(1, rateLimit / n), window, maxQueued, clock, timers);
        RedisQuotaStore.Limits limits = new RedisQuotaStore.Limits(maxRunning, rateLimit, window, config.leaseTtl(),
                config.leaseTtl());
        ClusterAdmission a = new ClusterAdmission(label, QuotaKeys.of(config.keyPrefix(), principal), limits,
                maxQueued, this, share, clock, timers);
        admissions.add(a);
        return a;
    }

    RedisQuotaStore store() {
        return store;
    }

    ClusterConfig config() {
        return config;
    }

    String newId(String kind) {
        return replicaId + ":" + kind + ids.incrementAndGet();
    }

    /**
     * {@code f}, failed with a timeout when Redis does not answer within {@code redis-timeout}. An answer that
     * comes after the timeout goes to {@code late} (a lease granted then must be given back).
     */
    <T> Future<T> timed(Future<T> f, Consumer<T> late) {
        Promise<T> p = Promise.promise();
        long timer = vertx.setTimer(Math.max(1, config.redisTimeout().toMillis()),
                id -> p.tryFail(new TimeoutException("no answer from Redis within " + config.redisTimeout())));
        f.onComplete(ar -> {
            vertx.cancelTimer(timer);
            boolean first = ar.succeeded() ? p.tryComplete(ar.result()) : p.tryFail(ar.cause());
            if (!first && ar.succeeded() && late != null) {
                late.accept(ar.result());
            }
        });
        return p.future();
    }

    /** A Redis call failed: degrade (logged once per outage) and probe until Redis answers again. */
    void failed(Throwable cause) {
        lastFailure = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        synchronized (this) {
            if (degraded) {
                return;
            }
            degraded = true;
            degradedSince = clock.instant();
            probeTimer = vertx.setPeriodic(Math.max(10, config.probeInterval().toMillis()), id -> probe());
        }
        events.clusterDegraded(lastFailure);
        LOG.warnf("Cluster mode degraded: Redis is unreachable (%s); each principal now admits 1/%d of its quota on "
                + "this replica until Redis answers again", lastFailure, config.expectedReplicas());
    }

    private void probe() {
        timed(store.ping(), null).onSuccess(v -> {
            synchronized (this) {
                if (!degraded) {
                    return;
                }
                degraded = false;
                degradedSince = null;
                vertx.cancelTimer(probeTimer);
                probeTimer = -1;
            }
            LOG.info("Cluster mode shared again: Redis answers; principals' quotas are shared across replicas");
            events.clusterRestored();
            admissions.forEach(ClusterAdmission::pump);
        });
    }

    private static String defaultReplicaId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "replica";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    @PreDestroy
    public void close() {
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
        synchronized (this) {
            if (probeTimer >= 0) {
                vertx.cancelTimer(probeTimer);
            }
        }
    }
}
