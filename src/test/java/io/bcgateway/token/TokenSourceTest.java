package io.bcgateway.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.bcgateway.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;

class TokenSourceTest {

    private static final Duration LIFETIME = Duration.ofMinutes(60);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    /** Every token request the source made, answered by the test. */
    private final List<Promise<TokenFetcher.Fetched>> requests = new ArrayList<>();
    private final TokenSource source = new TokenSource("test", () -> {
        Promise<TokenFetcher.Fetched> p = Promise.promise();
        requests.add(p);
        return p.future();
    }, clock, Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(8));

    private void answer(int request, String token) {
        requests.get(request).complete(new TokenFetcher.Fetched(token, LIFETIME));
    }

    private void refuse(int request) {
        requests.get(request).fail(new TokenException(TokenException.Kind.REJECTED, 401, "AADSTS7000215",
                "invalid_client", "token endpoint answered HTTP 401 invalid_client (AADSTS7000215)"));
    }

    @Test
    void twoHundredConcurrentCallersShareOneTokenRequest() {
        List<Future<AccessToken>> waiting = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            waiting.add(source.token());
        }
        assertEquals(1, requests.size());
        answer(0, "t1");
        waiting.forEach(f -> assertEquals("t1", f.result().value()));
    }

    @Test
    void servesTheCachedTokenUntilTheRefreshPointWithoutAnyRequest() {
        source.token();
        answer(0, "t1");
        clock.advance(Duration.ofMinutes(54).plusSeconds(59));
        for (int i = 0; i < 100; i++) {
            assertEquals("t1", source.token().result().value());
        }
        assertEquals(1, requests.size());
    }

    @Test
    void refreshesInTheBackgroundAheadOfExpiryWhileCallersKeepTheCurrentToken() {
        source.token();
        answer(0, "t1");
        clock.advance(Duration.ofMinutes(55));
        assertEquals("t1", source.token().result().value());
        assertEquals("t1", source.token().result().value());
        assertEquals(2, requests.size(), "exactly one background refresh");
        answer(1, "t2");
        assertEquals("t2", source.token().result().value());
    }

    @Test
    void neverHandsOutATokenPastItsSafetyMargin() {
        source.token();
        answer(0, "t1");
        clock.advance(Duration.ofMinutes(59).plusSeconds(30));
        Future<AccessToken> f = source.token();
        assertFalse(f.isComplete(), "a token 30 s from expiry must not be used");
        answer(1, "t2");
        assertEquals("t2", f.result().value());
    }

    @Test
    void rememberesAFailureAndBacksOffExponentially() {
        source.token();
        refuse(0);
        for (int i = 0; i < 50; i++) {
            Future<AccessToken> f = source.token();
            assertTrue(f.failed());
            assertInstanceOf(TokenException.class, f.cause());
        }
        assertEquals(1, requests.size(), "failures within the back-off make no request");
        clock.advance(Duration.ofSeconds(1));
        source.token();
        assertEquals(2, requests.size());
        refuse(1);
        clock.advance(Duration.ofMillis(1999));
        assertTrue(source.token().failed());
        assertEquals(2, requests.size(), "second back-off is 2 s");
        clock.advance(Duration.ofMillis(1));
        source.token();
        assertEquals(3, requests.size());
    }

    @Test
    void backOffIsCappedAtTheMaximum() {
        assertEquals(Duration.ofSeconds(1), source.backoff(1));
        assertEquals(Duration.ofSeconds(4), source.backoff(3));
        assertEquals(Duration.ofSeconds(8), source.backoff(4));
        assertEquals(Duration.ofSeconds(8), source.backoff(40));
    }

    @Test
    void aFailedBackgroundRefreshKeepsTheCurrentTokenAndDoesNotStorm() {
        source.token();
        answer(0, "t1");
        clock.advance(Duration.ofMinutes(56));
        source.token();
        refuse(1);
        for (int i = 0; i < 20; i++) {
            assertEquals("t1", source.token().result().value());
        }
        assertEquals(2, requests.size());
        clock.advance(Duration.ofSeconds(1));
        assertEquals("t1", source.token().result().value());
        assertEquals(3, requests.size(), "retried in the background after the back-off");
    }

    @Test
    void concurrentRejectionsOfTheSameTokenFetchOnce() {
        source.token();
        answer(0, "t1");
        AccessToken rejected = source.token().result();
        List<Future<AccessToken>> replays = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            replays.add(source.tokenAfterRejection(rejected));
        }
        assertEquals(2, requests.size());
        answer(1, "t2");
        replays.forEach(f -> assertEquals("t2", f.result().value()));
        assertSame(source.token().result(), replays.get(0).result());
        assertEquals("t2", source.tokenAfterRejection(rejected).result().value(), "a stale rejection changes nothing");
        assertEquals(2, requests.size());
    }

    @Test
    void shortLivedTokensKeepMostOfTheirLife() {
        AccessToken t = AccessToken.of("eyJ0eXAiOiJKV1Qi.payload.sig", Instant.EPOCH, Duration.ofSeconds(10), Duration.ofMinutes(5),
                Duration.ofSeconds(30));
        assertEquals(Instant.EPOCH.plusSeconds(9), t.usableUntil());
        assertEquals(Instant.EPOCH.plusSeconds(5), t.refreshAt());
        assertFalse(t.toString().contains("eyJ0eXAiOiJKV1Qi"));
        assertEquals("Bearer eyJ0eXAiOiJKV1Qi.payload.sig", t.authorization().toString(), "the header BC gets, made once");
    }
}
