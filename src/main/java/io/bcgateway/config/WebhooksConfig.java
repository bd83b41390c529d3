package io.bcgateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

/**
 * Business Central webhooks the gateway owns (docs/webhooks.md): per name, the subscriptions it keeps alive at BC
 * and the internal services it delivers every change to. None by default: then nothing subscribes and
 * {@code /webhooks/*} answers 404.
 */
@ConfigMapping(prefix = "gateway.webhooks")
public interface WebhooksConfig {

    /** The webhooks, by name; the name is the last path segment of the notification URL. */
    @WithParentName
    Map<String, Webhook> webhooks();

    interface Webhook {
        /** The connection (gateway.connections.&lt;name&gt;) whose principal owns the subscriptions. */
        String connection();

        /**
         * The API path to watch, such as {@code api/v2.0/companies(*)/customers}: {@code (*)} means one
         * subscription per company of the connection, kept in step as companies come and go; a company id in its
         * place watches that company only. A custom API: {@code api/<publisher>/<group>/<version>/companies(*)/<entity>}.
         */
        String resource();

        /** The internal URLs every change is POSTed to; BC hears 200 only once each of them took it. */
        List<String> deliverTo();

        /**
         * The externally reachable HTTPS base that BC calls (an Ingress in front of {@code /webhooks/*}); the
         * gateway registers {@code notificationUrl = public-url + /webhooks/<name>}. Plain http only on loopback.
         */
        String publicUrl();

        /**
         * Read a {@code collection} notification (BC's "more than 1,000 changes") through the gateway's all-pages
         * path, within the principal's quota, and deliver each of its rows as an {@code updated} change. Off: the
         * {@code collection} change itself is delivered.
         */
        @WithDefault("false")
        boolean expandCollections();

        /** Renew a subscription when this fraction of its lifetime has passed (BC's lifetime is 3 days). */
        @WithDefault("0.6667")
        double renewAt();

        /**
         * How often the subscriptions are checked: renewals that are due, and every {@code resync-interval} a full
         * comparison with BC's list (companies added or removed, subscriptions BC deleted).
         */
        @WithDefault("10s")
        Duration checkInterval();

        /** How often BC's list of subscriptions is read and compared with the ones this webhook needs. */
        @WithDefault("5m")
        Duration resyncInterval();

        /**
         * How long a delivered change is remembered, so BC's repeats (it retries for 36 hours) are not delivered
         * again. Key: subscription, resource, changeType, lastModifiedDateTime.
         */
        @WithDefault("37h")
        Duration dedupWindow();

        /** Attempts per target and notification before BC is answered 503 (BC then retries the whole notification). */
        @WithDefault("3")
        int deliveryAttempts();

        /** Pause before the second delivery attempt; it doubles for each further one. */
        @WithDefault("200ms")
        Duration deliveryBackoff();

        /**
         * Time one delivery attempt may stay silent before it counts as failed. Attempts times this stays below the
         * time BC waits for its answer, so that BC hears the 503 rather than giving up on its own.
         */
        @WithDefault("5s")
        Duration deliveryTimeout();

        /** Largest notification body accepted from BC (BC batches at most about 1,000 changes per subscription). */
        @WithDefault("8388608")
        int maxNotificationBody();

        /** Cluster mode: how long the replica that owns creation and renewal holds its Redis lease without renewing it. */
        @WithDefault("30s")
        Duration leaseTtl();
    }
}
