package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DeadlineTest {

    private static final Duration FALLBACK = Duration.ofSeconds(30);
    private static final Duration MAX = Duration.ofMinutes(10);

    @Test
    void readsSecondsAndUnits() {
        assertEquals(Duration.ofSeconds(5), Deadline.parse("5", FALLBACK, MAX));
        assertEquals(Duration.ofMillis(500), Deadline.parse("500ms", FALLBACK, MAX));
        assertEquals(Duration.ofSeconds(20), Deadline.parse(" 20s ", FALLBACK, MAX));
        assertEquals(Duration.ofMinutes(2), Deadline.parse("2m", FALLBACK, MAX));
    }

    @Test
    void absentMeansTheDefaultAndTooLongIsCapped() {
        assertEquals(FALLBACK, Deadline.parse(null, FALLBACK, MAX));
        assertEquals(MAX, Deadline.parse("3600", FALLBACK, MAX));
    }

    @Test
    void malformedValuesAreRefused() {
        assertNull(Deadline.parse("-1", FALLBACK, MAX));
        assertNull(Deadline.parse("5h", FALLBACK, MAX));
        assertNull(Deadline.parse("1e9", FALLBACK, MAX));
        assertNull(Deadline.parse("", FALLBACK, MAX));
    }
}
