package io.bcgateway.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.bcgateway.testing.MutableClock;

/** The status page's event log: bounded, newest first, storms folded so rare events stay visible. */
class EventLogTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T01:00:00Z"));
    private final EventLog log = new EventLog(clock);

    @Test
    void keepsTheNewestEventsNewestFirstAndNeverMoreThanItsCapacity() {
        for (int i = 0; i < EventLog.CAPACITY + 10; i++) {
            log.circuitChanged("sim", i % 2 == 0 ? "open" : "closed");
            clock.advance(Duration.ofMillis(10));
        }
        List<EventLog.Event> all = log.latest(1000);
        assertEquals(EventLog.CAPACITY, all.size());
        assertEquals(EventLog.CAPACITY + 9, all.get(0).seq());
        assertEquals(10, all.get(all.size() - 1).seq());
        assertEquals(20, log.latest(20).size());
        assertEquals(clock.instant().minusMillis(10), log.circuitSince("sim"));
    }

    @Test
    void foldsA429StormIntoOneLineThatMovesToTheTopSoRareEventsStayVisible() {
        Instant start = clock.instant();
        log.bcThrottled("sim", "sim", 429, "5");
        for (int i = 0; i < 500; i++) {
            log.gatewayThrottled("sim", "sim"); // one every 1 ms for half a second
            clock.advance(Duration.ofMillis(1));
        }
        log.circuitChanged("sim", "open");
        for (int i = 0; i < 5000; i++) {
            log.gatewayThrottled("sim", "sim"); // the storm goes on for 50 s after the transition
            clock.advance(Duration.ofMillis(10));
        }

        List<EventLog.Event> events = log.latest(20);
        assertEquals(3, events.size(), events::toString);
        EventLog.Event storm = events.get(0);
        assertEquals(EventLog.Kind.GATEWAY_THROTTLED, storm.kind());
        assertEquals(5499, storm.repeats(), "one line for 5,500 of the gateway's 429s");
        assertEquals(start, storm.at());
        assertEquals(clock.instant().minusMillis(10), storm.lastAt());
        assertEquals("circuit open", events.get(1).detail());
        assertEquals("429, Retry-After: 5", events.get(2).detail());
        assertEquals("sim", events.get(2).principal());

        clock.advance(Duration.ofMillis(EventLog.FOLD_MILLIS));
        log.gatewayThrottled("sim", "sim");
        assertEquals(4, log.latest(20).size(), "a minute of quiet starts a new line");
        assertEquals(0, log.latest(20).get(0).repeats());
    }

    @Test
    void tokenFailuresCarryTheirAadstsCodeAndSuccessesOnlyMoveTheLastRefresh() {
        assertNull(log.lastTokenRefresh("sim", "sim"));
        log.tokenFailed("badsecret", "badsecret", "AADSTS7000215", "invalid_client");
        log.tokenAcquired("sim", "sim");
        assertEquals(clock.instant(), log.lastTokenRefresh("sim", "sim"));
        List<EventLog.Event> events = log.latest(20);
        assertEquals(1, events.size());
        assertEquals("AADSTS7000215 (invalid_client)", events.get(0).detail());
        assertEquals(EventLog.Kind.TOKEN_FAILURE, events.get(0).kind());
    }
}
