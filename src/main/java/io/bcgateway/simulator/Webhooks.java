package io.bcgateway.simulator;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The simulated BC's webhooks, wired together: subscriptions ({@link WebhookSubscriptions}), the BC API resource
 * ({@link WebhookRoutes}), notifications ({@link WebhookNotifier}) sent by {@link WebhookSender}, and the
 * {@link WebhookDeliveryLog}. {@link ODataService} reports every entity change here.
 */
final class Webhooks {

    final WebhookSettings settings;
    final WebhookSubscriptions subscriptions;
    final WebhookDeliveryLog deliveries = new WebhookDeliveryLog();
    final WebhookNotifier notifier;
    final WebhookRoutes routes;
    private final WebhookSender sender;
    private final Clock clock;

    Webhooks(Vertx vertx, WebhookSettings settings, Supplier<EntityStore> store, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.subscriptions = new WebhookSubscriptions(clock);
        this.sender = new WebhookSender(vertx);
        this.notifier = new WebhookNotifier(vertx, settings, subscriptions, sender, deliveries, clock);
        this.routes = new WebhookRoutes(settings, subscriptions, sender, deliveries, store, clock);
    }

    /**
     * An entity of {@code entitySet} in {@code companyId} was created, updated or deleted ({@code changeType} as BC
     * names it). {@code lastModified} is the row's new lastModifiedDateTime, or null (then: now).
     */
    void changed(UUID companyId, String entitySet, UUID entityId, String changeType, Instant lastModified) {
        notifier.changed(new WebhookNotifier.Change(companyId, entitySet, entityId, changeType,
                lastModified == null ? clock.instant() : lastModified));
    }

    /** Deletes every subscription, pending notification, retry and logged delivery. */
    void reset() {
        subscriptions.clear();
        notifier.reset();
        deliveries.clear();
    }

    void close() {
        notifier.reset();
        sender.close();
    }
}
