package io.bcgateway.idempotency;

import io.vertx.core.Future;

/**
 * Where idempotency records live: in memory ({@link MemoryIdempotencyStore}) or, in cluster mode, in Redis
 * ({@link RedisIdempotencyStore}) so that any replica answers a repeat. Every operation is atomic per key.
 */
public interface IdempotencyStore {

    /**
     * Claims {@code key} for a new request: stores {@code inFlight} unless a record exists. Completes with null when
     * the caller now holds the key, else with the record found (which it must not overwrite).
     */
    Future<IdempotencyRecord> claim(String key, IdempotencyRecord inFlight);

    /** Replaces the holder's in-flight record with its outcome (completed or unknown). */
    Future<Void> settle(String key, IdempotencyRecord outcome);

    /** Drops the holder's record: BC did not execute the request, so a repeat may send it again. */
    Future<Void> release(String key);
}
