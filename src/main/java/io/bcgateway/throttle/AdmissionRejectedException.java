package io.bcgateway.throttle;

import java.time.Duration;

/**
 * The gateway will not send this request to Business Central within its deadline. BC never saw it; the caller may
 * try again after {@link #retryAfter()}.
 */
public final class AdmissionRejectedException extends RuntimeException {

    private final Duration retryAfter;

    public AdmissionRejectedException(String reason, Duration retryAfter) {
        super(reason, null, false, false);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whole seconds for a {@code Retry-After} header, at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
