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
    void foldsA429StormIntoOneEventPerSecondAndCountsTheRest() {
        log.bcThrottled("sim", "sim", 429, "5");
        for (int i = 0; i < 500; i++) {
            log.gatewayThrottled("sim", "sim"); // one every 1 ms for half a second: the first is recorded
            clock.advance(Duration.ofMillis(1));
        }
        log.circuitChanged("sim", "open");
        clock.advance(Duration.ofSeconds(1));
        log.gatewayThrottled("sim", "sim");

        List<EventLog.Event> events = log.latest(20);
        assertEquals(4, events.size(), events::toString);
        assertEquals(EventLog.Kind.GATEWAY_THROTTLED, events.get(0).kind());
        assertEquals(499, events.get(0).repeats(), "the later event stands for the folded ones");
        assertEquals("circuit open", events.get(1).detail());
        assertEquals(EventLog.Kind.GATEWAY_THROTTLED, events.get(2).kind());
        assertEquals(0, events.get(2).repeats());
        assertEquals("429, Retry-After: 5", events.get(3).detail());
        assertEquals("sim", events.get(3).principal());
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
