package io.bcgateway.idempotency;

import java.time.Duration;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * Records in the cluster's Redis (the client cluster mode already uses for the shared quota), so that a repeat sent
 * to any replica is answered from the record. A record is one string key holding its JSON, expiring {@code ttl}
 * after its claim; the claim is one atomic {@code SET NX} (inside a script that returns the record found, so two
 * replicas can never both hold a key and a reader never sees a half-made record).
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

    /** ARGV: record, ttl ms. Returns false (nil) when claimed, else the record already there. */
    static final String CLAIM = """
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
              return false
            end
            return redis.call('GET', KEYS[1])
            """;

    private final Redis redis;
    private final String prefix;
    private final long ttlMillis;

    /** @param prefix of every key, e.g. {@code bcgw:idem:} (the cluster's key prefix) */
    public RedisIdempotencyStore(Redis redis, String prefix, Duration ttl) {
        this.redis = redis;
        this.prefix = prefix;
        this.ttlMillis = ttl.toMillis();
    }

    @Override
    public Future<IdempotencyRecord> claim(String key, IdempotencyRecord inFlight) {
        Request eval = Request.cmd(Command.EVAL).arg(CLAIM).arg(1).arg(prefix + key)
                .arg(inFlight.toJson().encode()).arg(ttlMillis);
        return redis.send(eval).map(found -> found == null ? null
                : IdempotencyRecord.fromJson(new JsonObject(found.toString())));
    }

    @Override
    public Future<Void> settle(String key, IdempotencyRecord outcome) {
        // XX: only the holder's record, which may have expired meanwhile; KEEPTTL: a record lives ttl from its claim.
        return redis.send(Request.cmd(Command.SET).arg(prefix + key).arg(outcome.toJson().encode()).arg("XX")
                .arg("KEEPTTL")).mapEmpty();
    }

    @Override
    public Future<Void> release(String key) {
        return redis.send(Request.cmd(Command.DEL).arg(prefix + key)).mapEmpty();
    }
}
