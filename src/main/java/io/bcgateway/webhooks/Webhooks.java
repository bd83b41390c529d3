package io.bcgateway.webhooks;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.bcgateway.config.ClusterConfig;
import io.bcgateway.config.FanoutConfig;
import io.bcgateway.config.ThrottleConfig;
import io.bcgateway.config.WebhooksConfig;
import io.bcgateway.connection.Connections;
import io.bcgateway.fanout.AllPages;
import io.bcgateway.fanout.BcClient;
import io.bcgateway.fanout.CompanyDirectory;
import io.bcgateway.status.EventLog;
import io.bcgateway.upstream.UpstreamEngine;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Redis;

/**
 * The configured webhooks ({@code gateway.webhooks.<name>.*}): checked at start (a bad one refuses the start),
 * their subscriptions kept by a {@link SubscriptionKeeper} each once the HTTP server listens (BC's handshake needs
 * it), their notifications taken by {@link NotificationRoute} on {@code /webhooks/{name}}.
 *
 * <p>Cluster mode: every replica answers handshakes and notifications from the shared {@link WebhookState} in
 * Redis; one replica at a time owns creation and renewal, through a lease in Redis that it renews at every check
 * (it lapses after {@code lease-ttl} when that replica dies, and another takes over at its next check).
 */
@ApplicationScoped
public class Webhooks {

    private static final Logger LOG = Logger.getLogger("io.bcgateway.webhooks");

    /** One webhook's parts. */
    record Webhook(WebhookSpec spec, SubscriptionKeeper keeper, ChangeDelivery delivery, WebhookMetrics metrics,
            AtomicBoolean owner, AtomicBoolean synced, boolean cluster) {
        /**
         * Whether an unknown subscription id in a notification means "not ours" (true) rather than "not read yet"
         * (this replica owns the webhook and has not finished its first comparison with BC's list).
         */
        boolean ready() {
            return cluster ? true : synced.get();
        }
    }

    private final WebhooksConfig config;
    private final Connections connections;
    private final ClusterConfig cluster;
    private final Instance<Redis> redis;
    private final Vertx vertx;
    private final Clock clock;
    private final EventLog events;
    private final MeterRegistry registry;
    private final UpstreamEngine engine;
    private final FanoutConfig fanout;
    private final ThrottleConfig throttle;
    private final Map<String, Webhook> byName = new LinkedHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final java.util.List<Long> timers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final String replicaId;
    private WebhookState state;
    private Context context;
    private HttpClient targetsHttp;

    @Inject
    public Webhooks(WebhooksConfig config, Connections connections, ClusterConfig cluster, Instance<Redis> redis,
            Vertx vertx, Clock clock, EventLog events, MeterRegistry registry, UpstreamEngine engine,
            FanoutConfig fanout, ThrottleConfig throttle) {
        this.config = config;
        this.connections = connections;
        this.cluster = cluster;
        this.redis = redis;
        this.vertx = vertx;
        this.clock = clock;
        this.events = events;
        this.registry = registry;
        this.engine = engine;
        this.fanout = fanout;
        this.throttle = throttle;
        this.replicaId = cluster.replicaId().orElse(ManagementFactory.getRuntimeMXBean().getName()) + "/"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Checks every webhook's configuration at start: a mistake refuses the start (ConfigRefusal). */
    void onStart(@Observes StartupEvent event) {
        if (config.webhooks().isEmpty()) {
            return;
        }
        state = cluster.enabled() ? new RedisWebhookState(redis.get(), cluster.keyPrefix())
                : new LocalWebhookState(clock);
        targetsHttp = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
                .setConnectTimeout(5000).setMaxPoolSize(16));
        BcClient client = new BcClient(engine);
        CompanyDirectory directory = new CompanyDirectory(client, clock, fanout.companyCacheTtl(),
                throttle.defaultDeadline());
        AllPages pages = new AllPages(client, clock, fanout.pageSize(), throttle.defaultDeadline(),
                fanout.maxDuration());
        for (Map.Entry<String, WebhooksConfig.Webhook> e : config.webhooks().entrySet()) {
            WebhookSpec spec = WebhookSpec.of(e.getKey(), e.getValue(), connections::find);
            SubscriptionKeeper keeper = new SubscriptionKeeper(spec, client, directory, state, clock, events,
                    throttle.defaultDeadline());
            WebhookMetrics metrics = new WebhookMetrics(registry, clock, spec.name(), spec.connection().name(), keeper);
            keeper.metrics = metrics;
            TargetClient targets = new TargetClient(vertx, targetsHttp, spec.settings().deliveryAttempts(),
                    spec.settings().deliveryBackoff(), spec.settings().deliveryTimeout());
            ChangeDelivery delivery = new ChangeDelivery(spec, state, targets, pages, metrics, events);
            byName.put(spec.name(), new Webhook(spec, keeper, delivery, metrics, new AtomicBoolean(),
                    new AtomicBoolean(), cluster.enabled()));
            LOG.infof("Webhook %s: %s on connection %s, notificationUrl %s, delivering to %d target(s)%s", spec.name(),
                    spec.resourceOf(spec.everyCompany() ? "*" : spec.company()), spec.connection().name(),
                    spec.notificationUrl(), spec.deliverTo().size(), cluster.enabled() ? " (cluster: leased)" : "");
        }
        // Normally the HTTP server's start begins the checks; this is the fallback should that event not come.
        timers.add(vertx.setTimer(5_000, id -> begin()));
    }

    /** BC's handshake calls back: subscriptions are made only once the gateway listens. */
    void onHttpStart(@ObservesAsync HttpServerStart start) {
        begin();
    }

    void onStop(@Observes ShutdownEvent event) {
        started.set(true); // no checks begin during shutdown
        // Dev mode's live reload keeps the Vert.x instance: leave no timer or client behind.
        timers.forEach(vertx::cancelTimer);
        if (targetsHttp != null) {
            targetsHttp.close();
        }
    }

    private void begin() {
        if (byName.isEmpty() || !started.compareAndSet(false, true)) {
            return;
        }
        context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            for (Webhook w : byName.values()) {
                check(w);
                timers.add(vertx.setPeriodic(w.spec().settings().checkInterval().toMillis(), id -> check(w)));
            }
        });
    }

    private void check(Webhook w) {
        state.holdLease(w.spec().name(), replicaId, w.spec().settings().leaseTtl()).onComplete(ar -> {
            boolean owner = ar.succeeded() && ar.result();
            boolean was = w.owner().getAndSet(owner);
            if (owner && !was && cluster.enabled()) {
                LOG.infof("Webhook %s: this replica (%s) now owns creation and renewal", w.spec().name(), replicaId);
                events.webhook(w.spec().connection().name(), w.spec().name() + ": owned by replica " + replicaId);
                w.keeper().resyncSoon();
            }
            if (!owner) {
                return;
            }
            w.keeper().check(context).onSuccess(done -> w.synced().set(true));
        });
    }

    /** Runs a check of every webhook now (tests; the periodic checks go on as before). */
    public void checkNow() {
        if (context != null) {
            context.runOnContext(v -> byName.values().forEach(this::check));
        }
    }

    void register(@Observes Router router) {
        NotificationRoute route = new NotificationRoute(this);
        router.route("/webhooks/:name").handler(route::handle);
    }

    Webhook byName(String name) {
        return byName.get(name);
    }

    WebhookState state() {
        return state;
    }

    /** The webhooks for the status page: subscriptions with their expiry, the last notification, deliveries. */
    public JsonArray status() {
        JsonArray out = new JsonArray();
        Instant now = clock.instant();
        for (Webhook w : byName.values()) {
            JsonArray subs = new JsonArray();
            for (SubscriptionKeeper.Subscription s : w.keeper().subscriptions()) {
                subs.add(new JsonObject().put("id", s.id()).put("resource", s.resource())
                        .put("expires", s.expiry().toString()).put("renewAt", s.renewAt().toString())
                        .put("expiresInSeconds", Math.max(0, s.expiry().getEpochSecond() - now.getEpochSecond())));
            }
            Instant last = w.metrics().lastNotification();
            out.add(new JsonObject().put("name", w.spec().name()).put("connection", w.spec().connection().name())
                    .put("notificationUrl", w.spec().notificationUrl())
                    .put("owner", w.owner().get()).put("subscriptions", subs)
                    .put("lastNotification", last == null ? null : last.toString())
                    .put("deliveriesPending", w.metrics().pending())
                    .put("deliveriesFailed", (long) w.metrics().failedCount())
                    .put("lastError", w.keeper().lastError()));
        }
        return out;
    }
}
