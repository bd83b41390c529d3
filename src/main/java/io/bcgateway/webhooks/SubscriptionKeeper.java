package io.bcgateway.webhooks;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.bcgateway.fanout.BcClient;
import io.bcgateway.fanout.CompanyDirectory;
import io.bcgateway.status.EventLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Keeps one webhook's subscriptions alive at Business Central: one per company (or the one company), created with
 * a fresh random clientState, renewed when {@code renew-at} of the lifetime has passed (PATCH with If-Match: BC
 * runs the handshake again), created again when BC answers 404 or no longer lists it (BC deletes a subscription
 * after a notification answered with a status it does not retry).
 *
 * <p>At start, and every {@code resync-interval}, BC's list is compared with what is needed: a subscription of ours
 * (same notificationUrl) whose clientState BC returns is adopted, so restarts do not pile subscriptions up; one
 * without a clientState (the gateway could not check its notifications), a duplicate, or one for a company that
 * is gone is deleted. Every call goes through {@link BcClient}, the gateway's upstream engine: the principal's
 * admission, token, circuit breaker and retries.
 *
 * <p>Runs on one Vert.x context; one check at a time.
 */
final class SubscriptionKeeper {

    private static final Logger LOG = Logger.getLogger("io.bcgateway.webhooks");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Handshake window while a create or renew is under way; BC's own handshake times out well before it. */
    static final Duration HANDSHAKE_WINDOW = Duration.ofMinutes(2);
    /** Longest pause between attempts after failures: a broken setup is retried at least this often. */
    static final Duration MAX_PAUSE = Duration.ofMinutes(5);

    /** A subscription this webhook holds, as the status page and the meters see it. */
    record Subscription(String id, String resource, String companyId, String etag, Instant expiry,
            Instant renewAt) {
    }

    private final WebhookSpec spec;
    private final BcClient client;
    private final CompanyDirectory directory;
    private final WebhookState state;
    private final Clock clock;
    private final EventLog events;
    private final Duration callBudget;
    /** By company id (lower case). */
    private final Map<String, Subscription> held = new ConcurrentHashMap<>();
    WebhookMetrics metrics;
    private Instant nextResync = Instant.MIN;
    /** After a failed check: no new attempt before this (BC or the handshake path is broken; do not hammer it). */
    private Instant pauseUntil = Instant.MIN;
    private Duration pause;
    private boolean checking;
    private volatile String lastError;

    SubscriptionKeeper(WebhookSpec spec, BcClient client, CompanyDirectory directory, WebhookState state,
            Clock clock, EventLog events, Duration callBudget) {
        this.spec = spec;
        this.client = client;
        this.directory = directory;
        this.state = state;
        this.clock = clock;
        this.events = events;
        this.callBudget = callBudget;
    }

    Collection<Subscription> subscriptions() {
        return held.values();
    }

    String lastError() {
        return lastError;
    }

    /** The next resync comes at the next check (a replica that just took the lease re-reads BC's list). */
    void resyncSoon() {
        nextResync = Instant.MIN;
    }

    /**
     * One check: a full resync when due, else the renewals that are due. Overlapping calls are skipped; after a
     * failure the next attempts wait, from one check interval doubling up to {@link #MAX_PAUSE}.
     */
    Future<Void> check(Context context) {
        Instant now = clock.instant();
        if (checking || now.isBefore(pauseUntil)) {
            return Future.succeededFuture();
        }
        checking = true;
        Future<Void> work;
        if (!now.isBefore(nextResync)) {
            work = resync(context).onSuccess(v -> nextResync = clock.instant().plus(spec.settings().resyncInterval()))
                    .compose(v -> renewDue(context));
        } else {
            work = renewDue(context);
        }
        return work.andThen(ar -> {
            checking = false;
            if (ar.failed()) {
                lastError = ar.cause().getMessage();
                Duration interval = spec.settings().checkInterval();
                pause = pause == null ? interval : pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE
                        : pause.multipliedBy(2);
                pauseUntil = clock.instant().plus(pause).minus(interval);
                LOG.warnf("Webhook %s: %s (tried again in %s)", spec.name(), ar.cause().getMessage(), pause);
                events.webhookFailed(spec.connection().name(), spec.name() + ": " + ar.cause().getMessage());
            } else {
                lastError = null;
                pause = null;
                pauseUntil = Instant.MIN;
            }
        });
    }

    private Future<List<String>> companyIds(Context context) {
        if (!spec.everyCompany()) {
            return Future.succeededFuture(List.of(spec.company()));
        }
        return directory.companies(context, spec.connection(), spec.apiPath(), true)
                .map(list -> list.stream().map(c -> c.id().toLowerCase(Locale.ROOT)).toList());
    }

    /** Compares BC's list with the companies and makes them agree. */
    Future<Void> resync(Context context) {
        return companyIds(context).compose(companies -> list(context).compose(ours -> {
            Map<String, Subscription> found = new LinkedHashMap<>();
            List<Future<Void>> work = new ArrayList<>();
            Set<String> wanted = new HashSet<>(companies);
            for (JsonObject s : ours) {
                String id = s.getString("subscriptionId");
                String company = companyOf(s.getString("resource"));
                String clientState = s.getString("clientState");
                if (id == null) {
                    continue;
                }
                if (company == null || !wanted.contains(company) || found.containsKey(company)
                        || clientState == null || clientState.isEmpty()) {
                    String why = company == null || !wanted.contains(company) ? "not needed any more"
                            : found.containsKey(company) ? "a duplicate" : "its clientState is unknown";
                    work.add(delete(context, s, why));
                    continue;
                }
                Subscription sub = subscription(s, company);
                found.put(company, sub);
                boolean known = held.containsKey(company) && held.get(company).id().equals(id);
                work.add(state.rememberClientState(spec.name(), id, clientState));
                if (!known) {
                    events.webhook(spec.connection().name(), spec.name() + ": adopted subscription " + id
                            + " (" + sub.resource() + ")");
                    LOG.infof("Webhook %s: adopted subscription %s for %s, expires %s", spec.name(), id,
                            sub.resource(), sub.expiry());
                }
            }
            for (String company : new ArrayList<>(held.keySet())) {
                Subscription had = held.get(company);
                if (!found.containsKey(company) && wanted.contains(company) && had != null) {
                    // We held it and BC no longer lists it: BC deleted it (or it expired).
                    metrics.recreated();
                    events.webhook(spec.connection().name(), spec.name() + ": subscription " + had.id()
                            + " gone at Business Central; creating it again");
                }
                if (!found.containsKey(company)) {
                    held.remove(company);
                }
            }
            held.putAll(found);
            return Future.join(work).transform(ignored -> createMissing(context, companies, 0));
        }));
    }

    private Future<Void> createMissing(Context context, List<String> companies, int index) {
        if (index == companies.size()) {
            return Future.succeededFuture();
        }
        String company = companies.get(index);
        Future<Void> one = held.containsKey(company) ? Future.succeededFuture() : create(context, company);
        // One failed create does not keep the other companies from theirs; the check reports the first failure.
        return one.transform(ar -> createMissing(context, companies, index + 1)
                .compose(v -> ar.succeeded() ? Future.succeededFuture() : Future.failedFuture(ar.cause())));
    }

    private Future<Void> renewDue(Context context) {
        Instant now = clock.instant();
        List<Future<Void>> renewals = new ArrayList<>();
        for (Map.Entry<String, Subscription> e : held.entrySet()) {
            if (!now.isBefore(e.getValue().renewAt())) {
                renewals.add(renew(context, e.getKey(), e.getValue()));
            }
        }
        return Future.all(renewals).mapEmpty();
    }

    private Future<List<JsonObject>> list(Context context) {
        return send(context, HttpMethod.GET, spec.apiPath() + "/subscriptions", null, null).compose(answer -> {
            if (answer.status() != 200) {
                return Future.failedFuture(new IllegalStateException("Business Central answered " + answer.status()
                        + " to the list of subscriptions" + code(answer)));
            }
            List<JsonObject> ours = new ArrayList<>();
            JsonArray value = new JsonObject(answer.body()).getJsonArray("value", new JsonArray());
            for (Object o : value) {
                if (o instanceof JsonObject s && spec.notificationUrl().equalsIgnoreCase(s.getString("notificationUrl"))) {
                    ours.add(s);
                }
            }
            return Future.succeededFuture(ours);
        });
    }

    private Future<Void> create(Context context, String company) {
        String clientState = newClientState();
        JsonObject body = new JsonObject().put("notificationUrl", spec.notificationUrl())
                .put("resource", spec.resourceOf(company)).put("clientState", clientState);
        return withHandshake(() -> send(context, HttpMethod.POST, spec.apiPath() + "/subscriptions", null,
                body.toBuffer())).compose(answer -> {
                    if (answer.status() != 201 && answer.status() != 200) {
                        return Future.failedFuture(new IllegalStateException("Business Central answered "
                                + answer.status() + " to creating the subscription for " + spec.resourceOf(company)
                                + code(answer)));
                    }
                    JsonObject s = new JsonObject(answer.body());
                    Subscription sub = subscription(s, company);
                    held.put(company, sub);
                    events.webhook(spec.connection().name(), spec.name() + ": created subscription " + sub.id()
                            + " (" + sub.resource() + "), expires " + sub.expiry());
                    LOG.infof("Webhook %s: created subscription %s for %s, expires %s", spec.name(), sub.id(),
                            sub.resource(), sub.expiry());
                    return state.rememberClientState(spec.name(), sub.id(), clientState);
                });
    }

    private Future<Void> renew(Context context, String company, Subscription sub) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("If-Match", sub.etag() == null ? "*" : sub.etag());
        return withHandshake(() -> send(context, HttpMethod.PATCH, subscriptionPath(sub.id()), headers,
                new JsonObject().toBuffer())).compose(answer -> {
                    if (answer.status() == 404) {
                        held.remove(company);
                        metrics.recreated();
                        events.webhook(spec.connection().name(), spec.name() + ": subscription " + sub.id()
                                + " unknown to Business Central (404); creating it again");
                        return state.forgetClientState(spec.name(), sub.id()).compose(v -> create(context, company));
                    }
                    if (answer.status() != 200) {
                        if (answer.status() == 412) {
                            resyncSoon(); // someone changed it: read BC's list again (its ETag) at the next check
                        }
                        return Future.failedFuture(new IllegalStateException("Business Central answered "
                                + answer.status() + " to renewing subscription " + sub.id() + code(answer)));
                    }
                    JsonObject s = answer.body() == null || answer.body().length() == 0 ? new JsonObject()
                            : new JsonObject(answer.body());
                    Subscription renewed = s.containsKey("expirationDateTime") ? subscription(s, company)
                            : sub;
                    held.put(company, renewed);
                    events.webhook(spec.connection().name(), spec.name() + ": renewed subscription " + sub.id()
                            + ", expires " + renewed.expiry());
                    LOG.infof("Webhook %s: renewed subscription %s, expires %s", spec.name(), sub.id(),
                            renewed.expiry());
                    return Future.succeededFuture();
                });
    }

    private Future<Void> delete(Context context, JsonObject s, String why) {
        String id = s.getString("subscriptionId");
        String etag = Optional.ofNullable(s.getString("@odata.etag")).orElse("*");
        return send(context, HttpMethod.DELETE, subscriptionPath(id), MultiMap.caseInsensitiveMultiMap()
                .add("If-Match", etag), null).compose(answer -> {
                    if (answer.status() / 100 != 2 && answer.status() != 404) {
                        return Future.failedFuture(new IllegalStateException("Business Central answered "
                                + answer.status() + " to deleting subscription " + id + code(answer)));
                    }
                    events.webhook(spec.connection().name(), spec.name() + ": removed subscription " + id + " ("
                            + why + ")");
                    LOG.infof("Webhook %s: removed subscription %s (%s)", spec.name(), id, why);
                    return state.forgetClientState(spec.name(), id);
                });
    }

    /** Runs a create or renew with the handshake window open, and closes it whatever happened. */
    private Future<BcClient.Answer> withHandshake(java.util.function.Supplier<Future<BcClient.Answer>> call) {
        return state.openHandshake(spec.name(), HANDSHAKE_WINDOW)
                .compose(open -> call.get().andThen(done -> state.closeHandshake(spec.name())));
    }

    private String subscriptionPath(String id) {
        return spec.apiPath() + "/subscriptions('" + id + "')";
    }

    private Future<BcClient.Answer> send(Context context, HttpMethod method, String path, MultiMap extra,
            Buffer body) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json");
        if (body != null) {
            headers.add("Content-Type", "application/json");
        }
        if (extra != null) {
            headers.addAll(extra);
        }
        return client.call(context, spec.connection(), method, spec.connection().endpoint().upstreamUri(path, null),
                headers, body, clock.instant().plus(callBudget));
    }

    private Subscription subscription(JsonObject s, String company) {
        Instant now = clock.instant();
        Instant expiry = instant(s.getString("expirationDateTime"), now.plus(Duration.ofDays(3)));
        Instant since = instant(s.getString("lastModifiedDateTime"), now);
        if (!since.isBefore(expiry) || since.isAfter(now)) {
            since = now;
        }
        long lifetime = Math.max(0, Duration.between(since, expiry).toMillis());
        Instant renewAt = since.plusMillis((long) (lifetime * spec.settings().renewAt()));
        return new Subscription(s.getString("subscriptionId"), s.getString("resource", spec.resourceOf(company)),
                company, s.getString("@odata.etag"), expiry, renewAt);
    }

    /** The company id in a subscription's resource, or null when it is not this webhook's entity. */
    String companyOf(String resource) {
        if (resource == null) {
            return null;
        }
        String r = resource.toLowerCase(Locale.ROOT);
        int start = r.indexOf("companies(");
        int end = start < 0 ? -1 : r.indexOf(')', start);
        if (end < 0) {
            return null;
        }
        String rest = r.substring(end + 1);
        if (!rest.equals("/" + spec.entity().toLowerCase(Locale.ROOT))) {
            return null;
        }
        String company = r.substring(start + "companies(".length(), end);
        if (company.startsWith("'") && company.endsWith("'") && company.length() > 1) {
            company = company.substring(1, company.length() - 1);
        }
        return company;
    }

    private static Instant instant(String s, Instant otherwise) {
        if (s == null) {
            return otherwise;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (RuntimeException e) {
            return otherwise;
        }
    }

    private static String code(BcClient.Answer answer) {
        String code = answer.bcErrorCode();
        return code == null ? "" : " (" + code + ")";
    }

    /** 32 random bytes: the secret BC echoes in every notification, so forged ones can be told apart. */
    static String newClientState() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
