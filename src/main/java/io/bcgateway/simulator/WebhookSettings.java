package io.bcgateway.simulator;

import java.util.List;

/**
 * Webhook knobs of the simulated BC (part of {@link SimulatorSettings}, changed through {@code PUT /_sim/settings}).
 * Defaults are BC online's behaviour (bc-facts "Webhooks"); tests shorten the times.
 */
public final class WebhookSettings {

    /**
     * BC documents that it retries a failed delivery "over the next 36 hours" but not the intervals; these add up to
     * 35.85 h, growing from a minute to half a day.
     */
    public static final List<Long> DEFAULT_RETRY_SCHEDULE_MILLIS = List.of(
            60_000L, 300_000L, 900_000L, 1_800_000L, 3_600_000L, 7_200_000L, 14_400_000L, 28_800_000L, 43_200_000L, 28_800_000L);

    private volatile long delayMillis = 30_000;
    private volatile int collectionThreshold = 1000;
    private volatile long subscriptionLifetimeSeconds = 259_200;
    private volatile long handshakeTimeoutMillis = 5000;
    private volatile long deliveryTimeoutMillis = 30_000;
    private volatile List<Long> retryScheduleMillis = DEFAULT_RETRY_SCHEDULE_MILLIS;

    /** How long BC collects changes after the first pending one of a notificationUrl before it sends (BC: 30 s). */
    public long delayMillis() { return delayMillis; }
    public WebhookSettings delayMillis(long v) { delayMillis = nonNegative("webhookDelayMillis", v); return this; }

    /** More changes than this for one subscription within one delay become one {@code collection} entry (BC: 1,000). */
    public int collectionThreshold() { return collectionThreshold; }
    public WebhookSettings collectionThreshold(int v) {
        if (v < 1) throw new IllegalArgumentException("webhookCollectionThreshold must be at least 1, was " + v);
        collectionThreshold = v;
        return this;
    }

    /** Lifetime of a subscription from its creation or last renewal, on the simulator's clock (BC: 3 days). */
    public long subscriptionLifetimeSeconds() { return subscriptionLifetimeSeconds; }
    public WebhookSettings subscriptionLifetimeSeconds(long v) {
        if (v < 1) throw new IllegalArgumentException("subscriptionLifetimeSeconds must be at least 1, was " + v);
        subscriptionLifetimeSeconds = v;
        return this;
    }

    /** How long the subscriber may take to answer the validation handshake before the create or renewal fails. */
    public long handshakeTimeoutMillis() { return handshakeTimeoutMillis; }
    public WebhookSettings handshakeTimeoutMillis(long v) { handshakeTimeoutMillis = positive("webhookHandshakeTimeoutMillis", v); return this; }

    /** How long the subscriber may take to answer a notification; a timeout counts as a failure BC retries. */
    public long deliveryTimeoutMillis() { return deliveryTimeoutMillis; }
    public WebhookSettings deliveryTimeoutMillis(long v) { deliveryTimeoutMillis = positive("webhookDeliveryTimeoutMillis", v); return this; }

    /**
     * Wait before each retry of a notification answered 408, 429, 5xx or not at all: one entry per retry, so its
     * length is the number of retries; afterwards BC gives up on that notification.
     */
    public List<Long> retryScheduleMillis() { return retryScheduleMillis; }
    public WebhookSettings retryScheduleMillis(List<Long> v) {
        if (v.size() > 100) throw new IllegalArgumentException("webhookRetryScheduleMillis has at most 100 entries");
        v.forEach(ms -> nonNegative("webhookRetryScheduleMillis", ms));
        retryScheduleMillis = List.copyOf(v);
        return this;
    }

    private static long nonNegative(String name, long v) {
        if (v < 0) throw new IllegalArgumentException(name + " must not be negative, was " + v);
        return v;
    }

    private static long positive(String name, long v) {
        if (v < 1) throw new IllegalArgumentException(name + " must be at least 1, was " + v);
        return v;
    }
}
