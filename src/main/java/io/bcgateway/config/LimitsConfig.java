package io.bcgateway.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Business Central's limits for one principal, as the gateway enforces them before BC has to. Unset values fall
 * back to {@code gateway.throttle.*}, which default to BC online's documented figures.
 */
public interface LimitsConfig {

    /** Requests of one principal running at BC at once (BC online: 5; further ones queue at BC). */
    Optional<Integer> maxRunning();

    /** Requests of one principal per sliding window (BC online: 6,000). */
    Optional<Integer> rateLimit();

    /** Length of the sliding window (BC online: 5 minutes). */
    Optional<Duration> rateWindow();
}
