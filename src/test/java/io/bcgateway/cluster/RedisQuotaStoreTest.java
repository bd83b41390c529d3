package io.bcgateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.RedisServerProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * The quota scripts against a real redis-server. Time is passed in explicitly (milliseconds), so leases, windows
 * and pauses are exercised without waiting.
 */
class RedisQuotaStoreTest {

    private static RedisServerProcess server;
    private static Vertx vertx;
    private static Redis redis;
    private static RedisQuotaStore store;

    /** 2 running, 5 per 1,000 ms window, 300 ms leases, 200 ms tickets. */
    private static final RedisQuotaStore.Limits LIMITS = new RedisQuotaStore.Limits(2, 5, Duration.ofMillis(1000),
            Duration.ofMillis(300), Duration.ofMillis(200));

    private QuotaKeys keys;
    private int n;

    @BeforeAll
    static void startRedis() {
        server = RedisServerProcess.start();
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, server.url());
        store = new RedisQuotaStore(redis);
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
        vertx.close();
        server.close();
    }

    @BeforeEach
    void freshPrincipal() {
        keys = QuotaKeys.of("test:", "tenant/principal-" + System.nanoTime());
    }

    private RedisQuotaStore.Answer acquire(String ticket, long now) {
        return await(store.acquire(keys, ticket, "lease-" + (++n), LIMITS, now));
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void grantsUpToTheRunningLimitThenWaitsForARelease() {
        assertTrue(acquire("a", 1000).granted());
        assertTrue(acquire("b", 1000).granted());
        RedisQuotaStore.Answer third = acquire("c", 1001);
        assertFalse(third.granted());
        assertEquals(-1, third.waitMillis());
        assertEquals(2, third.running());
        assertTrue(await(store.release(keys, "lease-1", 1002L)));
        assertTrue(acquire("c", 1003).granted());
    }

    @Test
    void aFinishedRequestCountsInTheWindowUntilAWindowAfterItFinished() {
        for (int i = 0; i < 5; i++) {
            assertTrue(acquire("t" + i, 1000 + i).granted(), "grant " + i);
            assertTrue(await(store.release(keys, "lease-" + n, 1010L + i)));
        }
        RedisQuotaStore.Answer full = acquire("late", 1500);
        assertFalse(full.granted());
        assertEquals(5, full.inWindow());
        assertEquals(1010 + 1000 - 1500, full.waitMillis(), "the oldest entry frees the window at 2010");
        assertFalse(acquire("late", 2009).granted());
        assertTrue(acquire("late", 2010).granted());
    }

    @Test
    void anUnsentRequestFreesItsSlotWithoutCountingInTheWindow() {
        assertTrue(acquire("a", 1000).granted());
        assertTrue(acquire("b", 1000).granted());
        assertTrue(await(store.releaseUnsent(keys, "lease-1", 1002L)));
        assertTrue(await(store.release(keys, "lease-2", 1002L)));
        RedisQuotaStore.Answer next = acquire("c", 1003);
        assertTrue(next.granted());
        assertEquals(2, next.inWindow(), "the sent request and this one; BC never saw lease-1");
    }

    @Test
    void aLeaseNotRenewedComesBackAfterItsTtlAndStillCountsInTheWindow() {
        assertTrue(acquire("a", 1000).granted());
        assertTrue(acquire("b", 1000).granted());
        assertEquals(1, (int) await(store.renew(keys, LIMITS.leaseTtl(), List.of("lease-2"), 1200L)));
        assertFalse(acquire("c", 1299).granted(), "both leases still held");
        RedisQuotaStore.Answer after = acquire("c", 1300);
        assertTrue(after.granted(), "lease-1 expired at 1300: its holder is gone");
        assertEquals(3, after.inWindow(), "the expired lease counts as finished at its expiry");
        assertFalse(await(store.release(keys, "lease-1", 1301L)), "the lease had expired");
        assertEquals(0, (int) await(store.renew(keys, LIMITS.leaseTtl(), List.of("lease-1"), 1302L)));
    }

    @Test
    void aLateReleaseOfAnExpiredLeaseKeepsItInTheWindowUntilAWindowAfterItReallyFinished() {
        RedisQuotaStore.Limits oneAtATime = new RedisQuotaStore.Limits(5, 1, Duration.ofMillis(1000),
                Duration.ofMillis(300), Duration.ofMillis(200));
        assertTrue(await(store.acquire(keys, "a", "stalled", oneAtATime, 1000L)).granted());
        // The holder stalled: the lease expired at 1300 and counts as finished then, until 2300 ...
        assertFalse(await(store.acquire(keys, "b", "next", oneAtATime, 1400L)).granted());
        // ... but BC answered it only at 1800, so it may count there until 2800.
        assertFalse(await(store.release(keys, "stalled", 1800L)));
        RedisQuotaStore.Answer answer = await(store.acquire(keys, "b", "next", oneAtATime, 2300L));
        assertFalse(answer.granted());
        assertEquals(500, answer.waitMillis());
        assertTrue(await(store.acquire(keys, "b", "next", oneAtATime, 2800L)).granted());
    }

    @Test
    void aPauseSetByOneReplicaHoldsEveryReplica() {
        await(store.pause(keys, Duration.ofMillis(400), 1000L));
        RedisQuotaStore.Answer paused = acquire("other-replica", 1100);
        assertFalse(paused.granted());
        assertEquals(300, paused.waitMillis());
        await(store.pause(keys, Duration.ofMillis(100), 1100L));
        assertFalse(acquire("other-replica", 1399).granted(), "a shorter pause does not shorten a longer one");
        assertTrue(acquire("other-replica", 1400).granted());
    }

    @Test
    void theTicketThatAskedFirstGetsTheNextSlot() {
        assertTrue(acquire("a", 1000).granted());
        assertTrue(acquire("b", 1000).granted());
        assertFalse(acquire("first", 1001).granted());
        assertFalse(acquire("second", 1002).granted());
        await(store.release(keys, "lease-1", 1003L));
        assertFalse(acquire("second", 1004).granted(), "one slot free, and 'first' is ahead");
        assertTrue(acquire("first", 1005).granted());
        await(store.release(keys, "lease-2", 1006L));
        assertTrue(acquire("second", 1007).granted());
    }

    @Test
    void anAbandonedTicketStopsHoldingOthersBackAfterItsTtl() {
        assertTrue(acquire("a", 1000).granted());
        assertTrue(acquire("b", 1000).granted());
        assertFalse(acquire("crashed", 1001).granted());
        assertFalse(acquire("alive", 1002).granted());
        await(store.release(keys, "lease-1", 1003L));
        assertFalse(acquire("alive", 1100).granted(), "'crashed' is still ahead until 1201");
        assertTrue(acquire("alive", 1201).granted());
    }

    @Test
    void aCancelledTicketLeavesTheQueueAtOnce() {
        assertTrue(acquire("a", 1000).granted());
        assertTrue(acquire("b", 1000).granted());
        assertFalse(acquire("gone", 1001).granted());
        assertFalse(acquire("alive", 1002).granted());
        assertTrue(await(store.cancel(keys, "gone", 1003L)));
        await(store.release(keys, "lease-1", 1004L));
        assertTrue(acquire("alive", 1005).granted());
    }

    @Test
    void serverTimeIsUsedWhenNoneIsGiven() {
        assertTrue(await(store.acquire(keys, "t", "lease-x", LIMITS, null)).granted());
        long serverMillis = await(redis.send(Request.cmd(Command.TIME))).get(0).toLong() * 1000;
        double expiry = await(redis.send(Request.cmd(Command.ZSCORE).arg(keys.running()).arg("lease-x"))).toDouble();
        assertTrue(Math.abs(expiry - (serverMillis + 300)) < 2000, "the lease expires 300 ms after Redis's now");
    }
}
