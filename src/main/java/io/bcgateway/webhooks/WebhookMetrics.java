package io.bcgateway.webhooks;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One webhook's meters, tagged {@code webhook} and {@code connection}: its subscriptions and the soonest expiry
 * among them (an alert fires within 12 h of it), the last notification, deliveries pending, delivered and failed,
 * and re-creations (BC deleted a subscription).
 */
final class WebhookMetrics {

    private final Clock clock;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<Instant> lastNotification = new AtomicReference<>();
    private final Counter delivered;
    private final Counter failed;
    private final Counter recreated;
    private final Counter rejected;

    WebhookMetrics(MeterRegistry registry, Clock clock, String webhook, String connection,
            SubscriptionKeeper keeper) {
        this.clock = clock;
        String[] tags = {"webhook", webhook, "connection", connection};
        Gauge.builder("bc.gateway.webhook.subscriptions", keeper, k -> k.subscriptions().size()).tags(tags)
                .description("Subscriptions this webhook holds at Business Central").register(registry);
        Gauge.builder("bc.gateway.webhook.expiry.seconds", keeper, this::secondsUntilSoonestExpiry).tags(tags)
                .description("Seconds until the soonest of the webhook's subscriptions expires (-1: none)")
                .register(registry);
        Gauge.builder("bc.gateway.webhook.last.notification.seconds", lastNotification,
                r -> r.get() == null ? 0 : r.get().getEpochSecond()).tags(tags)
                .description("When the last notification from Business Central was accepted (epoch seconds, 0: never)")
                .register(registry);
        Gauge.builder("bc.gateway.webhook.deliveries.pending", pending, AtomicInteger::get).tags(tags)
                .description("Deliveries to the deliver-to targets under way").register(registry);
        delivered = Counter.builder("bc.gateway.webhook.deliveries").tags(tags).tag("result", "delivered")
                .description("Deliveries of changes to a deliver-to target, by result").register(registry);
        failed = Counter.builder("bc.gateway.webhook.deliveries").tags(tags).tag("result", "failed")
                .description("Deliveries of changes to a deliver-to target, by result").register(registry);
        recreated = Counter.builder("bc.gateway.webhook.recreations").tags(tags)
                .description("Subscriptions created again after Business Central deleted them").register(registry);
        rejected = Counter.builder("bc.gateway.webhook.notifications.rejected").tags(tags)
                .description("Notifications refused for a wrong clientState or a bad body").register(registry);
    }

    private double secondsUntilSoonestExpiry(SubscriptionKeeper keeper) {
        Instant soonest = null;
        for (SubscriptionKeeper.Subscription s : keeper.subscriptions()) {
            if (soonest == null || s.expiry().isBefore(soonest)) {
                soonest = s.expiry();
            }
        }
        return soonest == null ? -1 : Math.max(0, soonest.getEpochSecond() - clock.instant().getEpochSecond());
    }

    void notificationAccepted() {
        lastNotification.set(clock.instant());
    }

    Instant lastNotification() {
        return lastNotification.get();
    }

    void deliveryStarted() {
        pending.incrementAndGet();
    }

    void deliveryEnded(boolean ok) {
        pending.decrementAndGet();
        (ok ? delivered : failed).increment();
    }

    int pending() {
        return pending.get();
    }

    double failedCount() {
        return failed.count();
    }

    void recreated() {
        recreated.increment();
    }

    void rejected() {
        rejected.increment();
    }
}
