package io.bcgateway.webhooks;

import java.time.Duration;

import io.vertx.core.Future;

/**
 * What every replica must see alike for the webhooks: whether a handshake is expected (only while this gateway
 * creates or renews a subscription), each subscription's clientState, the changes already delivered, and which
 * replica owns creation and renewal. In memory on a single gateway ({@link LocalWebhookState}); in Redis in cluster
 * mode ({@link RedisWebhookState}), because BC's handshake and notifications reach whichever replica the load
 * balancer picks, not the one that made the subscription.
 */
interface WebhookState {

    /** A create or renew of {@code webhook} starts: handshakes are answered until {@link #closeHandshake} (or ttl). */
    Future<Void> openHandshake(String webhook, Duration ttl);

    Future<Void> closeHandshake(String webhook);

    /** Whether a create or renew of {@code webhook} is under way anywhere. */
    Future<Boolean> handshakeOpen(String webhook);

    Future<Void> rememberClientState(String webhook, String subscriptionId, String clientState);

    Future<Void> forgetClientState(String webhook, String subscriptionId);

    /** The clientState this gateway gave {@code subscriptionId}, or null when the subscription is not ours. */
    Future<String> clientState(String webhook, String subscriptionId);

    /** Whether the change named by {@code key} was already delivered (to the target the key names). */
    Future<Boolean> delivered(String key);

    Future<Void> markDelivered(String key, Duration window);

    /**
     * Takes or keeps the lease of {@code webhook} for {@code owner} for {@code ttl}; true when {@code owner} holds it.
     * A single gateway always holds it.
     */
    Future<Boolean> holdLease(String webhook, String owner, Duration ttl);
}
