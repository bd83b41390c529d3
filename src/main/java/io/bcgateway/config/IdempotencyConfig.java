package io.bcgateway.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Idempotency keys for writes ({@code Idempotency-Key}, draft-ietf-httpapi-idempotency-key-header): the records the
 * gateway keeps so that a repeated write is answered from the record instead of reaching Business Central twice.
 * In cluster mode ({@code gateway.cluster.enabled}) the records live in the cluster's Redis, else in memory.
 */
@ConfigMapping(prefix = "gateway.idempotency")
public interface IdempotencyConfig {

    /** How long a record (and so the answer to a repeat) is kept after its request began. */
    @WithDefault("24h")
    Duration ttl();

    /**
     * The largest request body a write with an {@code Idempotency-Key} may have (it is read whole to fingerprint it;
     * larger: 413), and the largest answer body kept for a repeat (a larger answer is kept without its body).
     */
    @WithDefault("1048576")
    int maxBody();

    /** Records kept in memory at most (without cluster mode); past it the oldest go first. */
    @WithDefault("10000")
    int maxRecords();

    /** Answer bytes kept in memory at most, over all records (without cluster mode); past it the oldest go first. */
    @WithDefault("67108864")
    long maxStoredBytes();
}
