package io.bcgateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.bcgateway.config.ClusterConfig;
import io.bcgateway.throttle.Admission;
import io.bcgateway.throttle.AdmissionControl;
import io.bcgateway.throttle.VertxTimers;
import io.bcgateway.testing.RedisServerProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * Two replicas in one JVM, each with its own Redis client, sharing one principal through a real redis-server:
 * slots pass between them, and a Redis outage moves waiting requests to the local share instead of losing them.
 * Waits are bounded polls: the scripts run on Redis's clock.
 */
class ClusterAdmissionTest {

    private static final Duration WINDOW = Duration.ofSeconds(60);

    private RedisServerProcess server;
    private Vertx vertx;
    private final List<Redis> clients = new ArrayList<>();
    private final List<ClusterQuotas> replicas = new ArrayList<>();
    private final String principal = "tenant/app-" + System.nanoTime();

    @BeforeEach
    void start() {
        server = RedisServerProcess.start();
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        replicas.forEach(ClusterQuotas::close);
        clients.forEach(Redis::close);
        vertx.close();
        server.close();
    }

    private AdmissionControl replica(String url, int maxRunning, int expectedReplicas) {
        return replica(url, maxRunning, 1000, expectedReplicas);
    }

    private AdmissionControl replica(String url, int maxRunning, int rateLimit, int expectedReplicas) {
        Redis redis = Redis.createClient(vertx, url);
        clients.add(redis);
        ClusterQuotas q = new ClusterQuotas(config(expectedReplicas), new RedisQuotaStore(redis), vertx,
                Clock.systemUTC());
        replicas.add(q);
        return q.admission("app", principal, maxRunning, rateLimit, WINDOW, 100, new VertxTimers(vertx));
    }

    private static Instant in(Duration d) {
        return Instant.now().plus(d);
    }

    @Test
    void aSlotReleasedOnOneReplicaGoesToTheRequestWaitingOnAnother() {
        AdmissionControl a = replica(server.url(), 2, 2);
        AdmissionControl b = replica(server.url(), 2, 2);
        Admission.Permit first = await(a.acquire(in(Duration.ofSeconds(10))));
        await(a.acquire(in(Duration.ofSeconds(10))));
        Future<Admission.Permit> waiting = b.acquire(in(Duration.ofSeconds(10)));
        assertStaysPending(waiting, Duration.ofMillis(300));
        assertEquals(1, b.queued());
        first.release();
        assertNotNull(await(waiting));
        assertEquals(1, a.running());
        assertEquals(1, b.running());
    }

    @Test
    void aReplicaWhoseLastWaiterGaveUpDoesNotHoldItsPlaceAheadOfOthers() {
        AdmissionControl a = replica(server.url(), 1, 3);
        AdmissionControl b = replica(server.url(), 1, 3);
        AdmissionControl c = replica(server.url(), 1, 3);
        Admission.Permit held = await(a.acquire(in(Duration.ofSeconds(10))));
        Future<Admission.Permit> givesUp = b.acquire(in(Duration.ofMillis(300)));
        assertStaysPending(givesUp, Duration.ofMillis(100));
        Future<Admission.Permit> waiting = c.acquire(in(Duration.ofSeconds(10)));
        assertTrue(awaitFailure(givesUp) instanceof io.bcgateway.throttle.AdmissionRejectedException);
        long released = System.nanoTime();
        held.release();
        await(waiting);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);
        assertTrue(ms < 1500, "b's ticket (3 s TTL) was withdrawn, not left ahead of c: " + ms + " ms");
    }

    @Test
    void aRequestThatCannotWaitForTheSharedWindowIsRefusedAtOnceWithItsRetryAfter() {
        AdmissionControl a = replica(server.url(), 5, 2, 2);
        AdmissionControl b = replica(server.url(), 5, 2, 2);
        await(a.acquire(in(Duration.ofSeconds(5)))).release();
        await(a.acquire(in(Duration.ofSeconds(5)))).release();
        long started = System.nanoTime();
        Throwable refused = awaitFailure(b.acquire(in(Duration.ofSeconds(20))));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(refused instanceof io.bcgateway.throttle.AdmissionRejectedException, refused.toString());
        long retryAfter = ((io.bcgateway.throttle.AdmissionRejectedException) refused).retryAfter().toSeconds();
        assertTrue(ms < 5000, "refused when Redis said the window is full for a minute, not at the deadline: " + ms);
        assertTrue(retryAfter >= 50 && retryAfter <= 60, "Retry-After from the shared window: " + retryAfter + " s");
    }

    @Test
    void aPauseOnOneReplicaHoldsTheOther() {
        AdmissionControl a = replica(server.url(), 2, 2);
        AdmissionControl b = replica(server.url(), 2, 2);
        long started = System.nanoTime();
        a.pauseUntil(Instant.now().plusMillis(800));
        Redis observer = Redis.createClient(vertx, server.url());
        clients.add(observer);
        String pauseKey = QuotaKeys.of("test:", principal).pause();
        awaitTrue(() -> await(observer.send(Request.cmd(Command.EXISTS).arg(pauseKey))).toInteger() == 1,
                Duration.ofSeconds(5));
        await(b.acquire(in(Duration.ofSeconds(5))));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(waited >= 750, "b waited for the pause a set: " + waited + " ms");
    }

    @Test
    void aRequestWaitingWhenRedisGoesAwayIsServedOnTheLocalShareAndRedisIsRejoinedLater() {
        AdmissionControl a = replica(server.url(), 2, 2);
        AdmissionControl b = replica(server.url(), 2, 2);
        await(a.acquire(in(Duration.ofSeconds(10))));
        await(a.acquire(in(Duration.ofSeconds(10))));
        Future<Admission.Permit> waiting = b.acquire(in(Duration.ofSeconds(10)));
        assertStaysPending(waiting, Duration.ofMillis(200));

        server.kill();
        assertNotNull(await(waiting), "moved to b's local share (1 of 2 slots) instead of being lost");
        ClusterQuotas quotasB = replicas.get(1);
        assertTrue(quotasB.degraded());
        Future<Admission.Permit> beyondShare = b.acquire(in(Duration.ofSeconds(10)));
        assertStaysPending(beyondShare, Duration.ofMillis(200));

        server.startAgain();
        awaitTrue(() -> !quotasB.degraded(), Duration.ofSeconds(10));
        Admission.Permit shared = await(b.acquire(in(Duration.ofSeconds(10))));
        assertNotNull(shared, "a fresh Redis has every slot free");
        assertFalse(beyondShare.isComplete(), "the local share still holds its own waiter");
        await(waiting).release();
        assertNotNull(await(beyondShare));
    }

    @Test
    void withoutRedisFromTheStartEveryRequestIsServedOnTheLocalShare() {
        String password = "redis-password-must-not-show-7c2e";
        AdmissionControl a = replica("redis://:" + password + "@127.0.0.1:" + closedPort(), 3, 3);
        Admission.Permit p = await(a.acquire(in(Duration.ofSeconds(5))));
        ClusterQuotas quotas = replicas.get(0);
        assertTrue(quotas.degraded());
        assertFalse(quotas.lastFailure().contains(password), "no password in health or logs: " + quotas.lastFailure());
        Future<Admission.Permit> second = a.acquire(in(Duration.ofSeconds(5)));
        assertStaysPending(second, Duration.ofMillis(200));
        p.release();
        assertNotNull(await(second), "3 running ÷ 3 replicas: one at a time");
    }

    // ---------------------------------------------------------------------------------------------------------

    private static ClusterConfig config(int expectedReplicas) {
        return new ClusterConfig() {
            public boolean enabled() { return true; }
            public int expectedReplicas() { return expectedReplicas; }
            public Duration leaseTtl() { return Duration.ofSeconds(3); }
            public Duration pollInterval() { return Duration.ofMillis(10); }
            public Duration redisTimeout() { return Duration.ofSeconds(3); }
            public Duration probeInterval() { return Duration.ofMillis(100); }
            public String keyPrefix() { return "test:"; }
            public Optional<String> replicaId() { return Optional.empty(); }
        };
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Throwable awaitFailure(Future<?> f) {
        try {
            f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            throw new AssertionError("succeeded, but should have failed");
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Still pending after {@code d}: a bounded look, the only way to see that something does not happen. */
    private static void assertStaysPending(Future<?> f, Duration d) {
        try {
            f.toCompletionStage().toCompletableFuture().get(d.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("completed, but should still wait: " + f);
        } catch (java.util.concurrent.TimeoutException expected) {
            // still waiting
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, Duration max) {
        long until = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < until) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("not within " + max);
    }

    private static int closedPort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
