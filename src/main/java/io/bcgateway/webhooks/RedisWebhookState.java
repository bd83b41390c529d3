package io.bcgateway.webhooks;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * {@link WebhookState} of cluster mode, in the Redis that already shares the quotas: the owner writes the
 * clientStates and opens the handshake window; every replica reads them, so BC's handshake and notifications may
 * reach any replica. Known clientStates are also kept in memory (a subscription's clientState never changes), so a
 * notification costs one Redis read per change for the dedup and none for the clientState.
 */
final class RedisWebhookState implements WebhookState {

    /** Take the lease when free, keep it when ours (atomic: two replicas cannot both think they own it). */
    static final String HOLD_LEASE = """
            local v = redis.call('GET', KEYS[1])
            if not v then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
              return 1
            end
            if v == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return 1
            end
            return 0
            """;
    /** Count one more create or renew under way; the window closes by itself after ttl should its owner die. */
    static final String OPEN = """
            local n = redis.call('INCR', KEYS[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return n
            """;
    static final String CLOSE = """
            local n = redis.call('DECR', KEYS[1])
            if n <= 0 then redis.call('DEL', KEYS[1]) end
            return n
            """;

    private final Redis redis;
    private final String prefix;
    private final Map<String, String> knownClientStates = new ConcurrentHashMap<>();

    RedisWebhookState(Redis redis, String keyPrefix) {
        this.redis = redis;
        this.prefix = keyPrefix + "webhooks:";
    }

    private String key(String webhook, String what) {
        // The webhook in braces: one webhook's keys share a Redis Cluster hash slot.
        return prefix + "{" + webhook + "}:" + what;
    }

    private Future<Response> send(Request request) {
        return redis.send(request);
    }

    @Override
    public Future<Void> openHandshake(String webhook, Duration ttl) {
        return send(Request.cmd(Command.EVAL).arg(OPEN).arg(1).arg(key(webhook, "handshake")).arg(ttl.toMillis()))
                .mapEmpty();
    }

    @Override
    public Future<Void> closeHandshake(String webhook) {
        return send(Request.cmd(Command.EVAL).arg(CLOSE).arg(1).arg(key(webhook, "handshake"))).mapEmpty();
    }

    @Override
    public Future<Boolean> handshakeOpen(String webhook) {
        return send(Request.cmd(Command.GET).arg(key(webhook, "handshake")))
                .map(r -> r != null && r.toLong() > 0);
    }

    @Override
    public Future<Void> rememberClientState(String webhook, String subscriptionId, String clientState) {
        knownClientStates.put(webhook + "|" + subscriptionId, clientState);
        return send(Request.cmd(Command.HSET).arg(key(webhook, "client-states")).arg(subscriptionId).arg(clientState))
                .mapEmpty();
    }

    @Override
    public Future<Void> forgetClientState(String webhook, String subscriptionId) {
        knownClientStates.remove(webhook + "|" + subscriptionId);
        return send(Request.cmd(Command.HDEL).arg(key(webhook, "client-states")).arg(subscriptionId)).mapEmpty();
    }

    @Override
    public Future<String> clientState(String webhook, String subscriptionId) {
        String known = knownClientStates.get(webhook + "|" + subscriptionId);
        if (known != null) {
            return Future.succeededFuture(known);
        }
        return send(Request.cmd(Command.HGET).arg(key(webhook, "client-states")).arg(subscriptionId)).map(r -> {
            if (r == null) {
                return null;
            }
            String state = r.toString();
            knownClientStates.put(webhook + "|" + subscriptionId, state);
            return state;
        });
    }

    @Override
    public Future<Boolean> delivered(String key) {
        return send(Request.cmd(Command.EXISTS).arg(prefix + "delivered:" + key)).map(r -> r != null && r.toLong() > 0);
    }

    @Override
    public Future<Void> markDelivered(String key, Duration window) {
        return send(Request.cmd(Command.SET).arg(prefix + "delivered:" + key).arg("1").arg("PX")
                .arg(window.toMillis())).mapEmpty();
    }

    @Override
    public Future<Boolean> holdLease(String webhook, String owner, Duration ttl) {
        return send(Request.cmd(Command.EVAL).arg(HOLD_LEASE).arg(1).arg(key(webhook, "lease")).arg(owner)
                .arg(ttl.toMillis())).map(r -> r != null && r.toLong() == 1);
    }
}
