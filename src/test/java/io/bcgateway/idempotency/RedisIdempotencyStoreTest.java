package io.bcgateway.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.RedisServerProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

/**
 * Records in a real redis-server, as two replicas of the gateway see them: each with its own Redis client, one
 * claiming, the other finding the record.
 */
class RedisIdempotencyStoreTest {

    private static RedisServerProcess server;
    private static Vertx vertx;
    private static Redis one;
    private static Redis two;

    @BeforeAll
    static void startRedis() {
        server = RedisServerProcess.start();
        vertx = Vertx.vertx();
        one = Redis.createClient(vertx, server.url());
        two = Redis.createClient(vertx, server.url());
    }

    @AfterAll
    static void stopRedis() {
        one.close();
        two.close();
        vertx.close();
        server.close();
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRecordClaimedAndSettledOnOneReplicaIsFoundOnTheOther() {
        RedisIdempotencyStore replicaA = new RedisIdempotencyStore(one, "test:idem:", Duration.ofHours(24));
        RedisIdempotencyStore replicaB = new RedisIdempotencyStore(two, "test:idem:", Duration.ofHours(24));
        String key = "sim\nlocal\n" + System.nanoTime();
        assertNull(await(replicaA.claim(key, IdempotencyRecord.inFlight("POST x 0a", Long.MAX_VALUE))));
        assertEquals(IdempotencyRecord.State.IN_FLIGHT,
                await(replicaB.claim(key, IdempotencyRecord.inFlight("POST x 0a", Long.MAX_VALUE))).state());
        await(replicaA.settle(key, new IdempotencyRecord("POST x 0a", IdempotencyRecord.State.COMPLETED, 0,
                new IdempotencyRecord.StoredAnswer(201, "W/\"7\"", "http://gw/x(1)", "application/json",
                        "{\"id\":1}".getBytes()))));
        IdempotencyRecord found = await(replicaB.claim(key, IdempotencyRecord.inFlight("POST x 0a", Long.MAX_VALUE)));
        assertEquals(IdempotencyRecord.State.COMPLETED, found.state());
        assertEquals("{\"id\":1}", new String(found.answer().body()));
        assertEquals("W/\"7\"", found.answer().etag());
        await(replicaB.release(key));
        assertNull(await(replicaA.claim(key, IdempotencyRecord.inFlight("POST x 0a", Long.MAX_VALUE))));
    }

    @Test
    void ofManyConcurrentClaimsExactlyOneHoldsTheKey() {
        RedisIdempotencyStore replicaA = new RedisIdempotencyStore(one, "test:idem:", Duration.ofHours(24));
        RedisIdempotencyStore replicaB = new RedisIdempotencyStore(two, "test:idem:", Duration.ofHours(24));
        String key = "sim\nlocal\nrace-" + System.nanoTime();
        List<Future<IdempotencyRecord>> claims = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // 10 per client: within a Redis client's default wait queue (24)
            claims.add((i % 2 == 0 ? replicaA : replicaB).claim(key, IdempotencyRecord.inFlight("f", Long.MAX_VALUE)));
        }
        long holders = claims.stream().map(RedisIdempotencyStoreTest::await).filter(r -> r == null).count();
        assertEquals(1, holders);
    }

    @Test
    void aRecordExpiresAfterItsTtl() throws Exception {
        RedisIdempotencyStore shortLived = new RedisIdempotencyStore(one, "test:idem:", Duration.ofMillis(200));
        String key = "sim\nlocal\nttl-" + System.nanoTime();
        assertNull(await(shortLived.claim(key, IdempotencyRecord.inFlight("f", Long.MAX_VALUE))));
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        IdempotencyRecord found = new IdempotencyRecord("f", IdempotencyRecord.State.IN_FLIGHT, 0, null);
        // Redis expires keys on its own clock: polled (bounded), since no fake clock reaches into redis-server.
        while (found != null && System.nanoTime() < giveUp) {
            found = await(shortLived.claim(key, IdempotencyRecord.inFlight("f", Long.MAX_VALUE)));
            if (found != null) {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
        assertNull(found, "after its ttl the key is free again");
    }
}
