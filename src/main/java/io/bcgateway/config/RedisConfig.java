package io.bcgateway.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The Redis server that cluster mode shares quotas through. The gateway makes the Vert.x Redis client itself, and
 * only when {@code gateway.cluster.enabled} is on. The keys were Quarkus' Redis extension's ({@code quarkus.redis.*})
 * while the gateway used it; they are the gateway's own now because Quarkus warns at every start that a
 * {@code quarkus.*} key no extension owns "will be ignored", which would be untrue and alarming (issue 14: without cluster mode no Redis class beyond this mapping is
 * loaded, and the AOT cache holds neither the extension nor the Jackson data binding it pulled in).
 */
@ConfigMapping(prefix = "gateway.cluster.redis")
public interface RedisConfig {

    /**
     * Where Redis is: {@code redis://host:6379}, {@code rediss://host:6380} for TLS (the JDK's trusted CAs), a user
     * and database in the URI where needed; several, comma-separated, for a Redis Cluster's seed nodes.
     */
    Optional<List<String>> hosts();

    /** Redis's password, from a mounted secret (never from the environment or the log); overrides the URI's. */
    Optional<String> password();

    /** {@code standalone}, or {@code cluster} for a Redis Cluster. */
    @WithDefault("standalone")
    String clientType();

    /** Connections to Redis per replica. */
    @WithDefault("6")
    int maxPoolSize();

    /**
     * Redis calls that may wait for a pooled connection. Each replica has one question out per waiting principal
     * plus one release per finished request: a burst of releases must wait rather than fail (which would degrade
     * the replica).
     */
    @WithDefault("4096")
    int maxPoolWaiting();
}
