package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Every {@code X-Gateway-Deadline} value is either a budget between zero and the maximum or a refusal (null, which
 * the route turns into a 400); nothing throws. A budget read back in milliseconds is the same budget.
 */
class DeadlineFuzzTest {

    private static final Duration FALLBACK = Duration.ofSeconds(30);
    private static final Duration MAX = Duration.ofMinutes(2);

    @FuzzTest(maxDuration = "2m")
    void everyValueIsABudgetWithinTheMaximumOrARefusal(FuzzedDataProvider data) {
        String header = data.consumeBoolean() ? null : data.consumeRemainingAsString();
        Duration budget = Deadline.parse(header, FALLBACK, MAX);
        if (header == null) {
            assertEquals(FALLBACK, budget);
            return;
        }
        if (budget == null) {
            return;
        }
        assertFalse(budget.isNegative(), () -> "negative budget for '" + header + "'");
        assertTrue(budget.compareTo(MAX) <= 0, () -> "budget above the maximum for '" + header + "'");
        assertEquals(budget, Deadline.parse(budget.toMillis() + "ms", FALLBACK, MAX), "read back in ms");
    }
}
