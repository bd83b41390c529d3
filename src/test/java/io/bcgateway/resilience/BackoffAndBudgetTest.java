package io.bcgateway.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.bcgateway.testing.MutableClock;

class BackoffAndBudgetTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));

    @Test
    void backoffStepsDoubleUpToTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3), bound -> bound - 1);
        assertEquals(Duration.ofMillis(500), b.step(1));
        assertEquals(Duration.ofSeconds(1), b.step(2));
        assertEquals(Duration.ofSeconds(2), b.step(3));
        assertEquals(Duration.ofSeconds(3), b.step(4));
        assertEquals(Duration.ofSeconds(3), b.step(30));
    }

    @Test
    void fullJitterDrawsBetweenZeroAndTheStep() {
        assertEquals(Duration.ZERO, new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3), bound -> 0).delay(3));
        assertEquals(Duration.ofSeconds(2),
                new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3), bound -> bound - 1).delay(3));
        long[] seen = new long[1];
        new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3), bound -> {
            seen[0] = bound;
            return 0;
        }).delay(2);
        assertEquals(1001, seen[0], "uniform over [0, 1000] ms inclusive");
    }

    @Test
    void backoffRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), b -> 0));
        assertThrows(IllegalArgumentException.class,
                () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), b -> 0));
    }

    @Test
    void retryAfterReadsSecondsAndHttpDates() {
        assertEquals(Optional.of(Duration.ofSeconds(60)), RetryAfter.parse("60", clock));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.ofInstant(clock.instant().plusSeconds(90), ZoneOffset.UTC));
        assertEquals(Optional.of(Duration.ofSeconds(90)), RetryAfter.parse(date, clock));
        assertEquals(Optional.empty(), RetryAfter.parse("soon", clock));
        assertEquals(Optional.empty(), RetryAfter.parse("-5", clock));
        assertEquals(Optional.empty(), RetryAfter.parse(null, clock));
    }

    @Test
    void theBudgetAllowsTheFloorThenAShareOfTheTraffic() {
        RetryBudget budget = new RetryBudget(0.2, 2, Duration.ofSeconds(10), clock);
        assertTrue(budget.tryRetry());
        assertTrue(budget.tryRetry());
        assertFalse(budget.tryRetry(), "the floor of 2 is used up and there is no traffic");
        for (int i = 0; i < 10; i++) {
            budget.recordRequest();
        }
        assertTrue(budget.tryRetry());
        assertTrue(budget.tryRetry());
        assertFalse(budget.tryRetry(), "2 + 20% of 10 = 4 retries");
        clock.advance(Duration.ofSeconds(10));
        assertTrue(budget.tryRetry(), "the window moved on");
        assertEquals(1, budget.retriesInWindow());
    }
}
