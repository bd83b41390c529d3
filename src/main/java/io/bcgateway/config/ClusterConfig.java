package io.bcgateway.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Cluster mode: BC's limits belong to the principal, not to a gateway process, so replicas share each principal's
 * running slots, sliding window and Retry-After pauses through Redis ({@code gateway.cluster.redis.hosts},
 * {@code gateway.cluster.redis.password}). Off by default: each replica then enforces the full limits alone and needs no
 * Redis.
 */
@ConfigMapping(prefix = "gateway.cluster")
public interface ClusterConfig {

    /**
     * Share every principal's quota with the other replicas through Redis. Needs {@code gateway.cluster.redis.hosts}
     * (for example {@code redis://redis-master:6379}); Redis is not contacted when this is off.
     */
    @WithDefault("false")
    boolean enabled();

    /**
     * Replicas expected to share a principal. While Redis is unreachable each replica admits its local share:
     * running slots and window ÷ this (at least 1 each), so that the replicas together stay near BC's limits.
     */
    @WithDefault("3")
    int expectedReplicas();

    /**
     * How long a running slot stays held in Redis without a heartbeat (renewed every third of it while the
     * request runs). A replica killed while holding slots gives them back after at most this; it must comfortably
     * exceed a GC pause, or a slow replica's slot could be handed to another.
     */
    @WithDefault("10s")
    Duration leaseTtl();

    /**
     * While a request waits for a slot that another replica holds, Redis is asked again after this at the latest
     * (releases on this replica and the window's own free time wake it sooner).
     */
    @WithDefault("10ms")
    Duration pollInterval();

    /**
     * A Redis call without an answer after this counts as Redis unreachable: the replica degrades to its share.
     * Redis answers in well under a millisecond; the margin is for a replica whose CPU is starved, which should not
     * flap between shared and degraded (a refused connection degrades at once, whatever this says).
     */
    @WithDefault("2s")
    Duration redisTimeout();

    /** While degraded, how often Redis is probed (PING) to rejoin shared mode. */
    @WithDefault("1s")
    Duration probeInterval();

    /**
     * Prefix of every Redis key; the principal ({@code tenant/client-id}) follows in braces, so that one
     * principal's keys share a Redis Cluster hash slot. Gateways sharing a quota must use the same prefix.
     */
    @WithDefault("bcgw:")
    String keyPrefix();

    /** This replica's name inside lease ids (diagnostics only); the host name and process id when absent. */
    Optional<String> replicaId();
}
