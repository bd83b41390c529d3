package io.bcgateway.webhooks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.bcgateway.fanout.AllPages;
import io.bcgateway.status.EventLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Delivers a notification's accepted changes to every {@code deliver-to} target, each change once per target:
 * a change a target already took (same subscription, resource, changeType and lastModifiedDateTime, within
 * {@code dedup-window}) is not sent to it again, so BC's retries after a 503 reach only the targets that missed
 * it. With {@code expand-collections}, a {@code collection} is read page by page through the gateway's all-pages
 * path and its rows delivered as {@code updated} changes, one batch per page and target.
 *
 * <p>A target receives {@code POST {"webhook","connection","value":[{subscriptionId, resource, changeType,
 * lastModifiedDateTime[, entity]}]}}; the clientState is never passed on.
 */
final class ChangeDelivery {

    private final WebhookSpec spec;
    private final WebhookState state;
    private final TargetClient targets;
    private final AllPages pages;
    private final WebhookMetrics metrics;
    private final EventLog events;

    ChangeDelivery(WebhookSpec spec, WebhookState state, TargetClient targets, AllPages pages,
            WebhookMetrics metrics, EventLog events) {
        this.spec = spec;
        this.state = state;
        this.targets = targets;
        this.pages = pages;
        this.metrics = metrics;
        this.events = events;
    }

    /** Succeeds once every target has taken every change of {@code entries} (now or before). */
    Future<Void> deliver(Context context, List<JsonObject> entries) {
        List<JsonObject> plain = new ArrayList<>();
        List<JsonObject> collections = new ArrayList<>();
        for (JsonObject e : entries) {
            boolean collection = "collection".equalsIgnoreCase(e.getString("changeType"));
            if (collection && spec.settings().expandCollections()) {
                collections.add(e);
            } else {
                plain.add(change(e));
            }
        }
        Future<Void> result = batch(plain);
        for (JsonObject c : collections) {
            result = result.compose(v -> expand(context, c));
        }
        return result;
    }

    /** What a target sees of BC's entry: everything but the clientState (a secret between BC and the gateway). */
    private static JsonObject change(JsonObject entry) {
        JsonObject c = new JsonObject();
        for (String field : List.of("subscriptionId", "resource", "changeType", "lastModifiedDateTime")) {
            if (entry.containsKey(field)) {
                c.put(field, entry.getValue(field));
            }
        }
        return c;
    }

    /** Every target takes the changes it has not taken yet; fails when one target did not. */
    private Future<Void> batch(List<JsonObject> changes) {
        if (changes.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Future<Void>> all = new ArrayList<>();
        for (int i = 0; i < spec.deliverTo().size(); i++) {
            all.add(toTarget(i, changes));
        }
        return Future.join(all).mapEmpty();
    }

    private Future<Void> toTarget(int index, List<JsonObject> changes) {
        URI target = spec.deliverTo().get(index);
        List<String> keys = changes.stream().map(c -> key(index, c)).toList();
        List<Future<Boolean>> seen = keys.stream().map(state::delivered).toList();
        return Future.all(seen).compose(ignored -> {
            JsonArray fresh = new JsonArray();
            List<String> freshKeys = new ArrayList<>();
            for (int j = 0; j < changes.size(); j++) {
                if (!seen.get(j).result()) {
                    fresh.add(changes.get(j));
                    freshKeys.add(keys.get(j));
                }
            }
            if (fresh.isEmpty()) {
                return Future.succeededFuture();
            }
            Buffer body = new JsonObject().put("webhook", spec.name()).put("connection", spec.connection().name())
                    .put("value", fresh).toBuffer();
            metrics.deliveryStarted();
            return targets.post(target, body).andThen(ar -> {
                metrics.deliveryEnded(ar.succeeded());
                if (ar.failed()) {
                    events.webhookFailed(spec.connection().name(), spec.name() + ": delivery to " + target.getHost()
                            + ":" + target.getPort() + " failed (" + ar.cause().getMessage() + "); BC is answered 503");
                }
            }).compose(v -> Future.all(freshKeys.stream()
                    .map(k -> state.markDelivered(k, spec.settings().dedupWindow())).toList()).mapEmpty());
        });
    }

    /** Reads the collection's rows page by page; each page's rows go to every target before the next page. */
    private Future<Void> expand(Context context, JsonObject entry) {
        Collection collection = collection(entry.getString("resource"));
        if (collection == null) {
            // Not this webhook's entity set: deliver the collection change as it is rather than read elsewhere.
            return batch(List.of(change(entry)));
        }
        String collectionPath = collection.path();
        String upstream = spec.connection().endpoint().upstreamUri(collection.path(), collection.query());
        String subscriptionId = entry.getString("subscriptionId");
        return pages.read(context, spec.connection(), upstream, rows -> {
            List<JsonObject> changes = new ArrayList<>();
            for (Buffer row : rows) {
                JsonObject entity = new JsonObject(row);
                String id = entity.getString("id");
                changes.add(new JsonObject().put("subscriptionId", subscriptionId)
                        .put("resource", id == null ? collectionPath : collectionPath + "(" + id + ")")
                        .put("changeType", "updated")
                        .put("lastModifiedDateTime", entity.getString("lastModifiedDateTime",
                                entry.getString("lastModifiedDateTime")))
                        .put("entity", entity));
            }
            return batch(changes);
        }).mapEmpty();
    }

    /** A collection to read: its path from the API root on ({@code api/v2.0/companies(..)/customers}) and query. */
    record Collection(String path, String query) {
    }

    /**
     * The collection named by a {@code collection} change's {@code resource} (relative or an absolute URL into the
     * connection's BC), or null when it is not this webhook's entity set in some company. The query is
     * percent-encoded where BC wrote it plainly ({@code $filter=lastDateTimeModified gt 2026-...}).
     */
    Collection collection(String resource) {
        if (resource == null) {
            return null;
        }
        String rest = resource.strip();
        if (rest.contains("://")) {
            Optional<String> r = spec.connection().endpoint().restOf(rest);
            if (r.isEmpty()) {
                return null;
            }
            rest = r.get();
        }
        while (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        String query = q < 0 ? null : rest.substring(q + 1);
        String p = path.toLowerCase(Locale.ROOT);
        if (!p.startsWith("companies(")) {
            p = p.startsWith(spec.apiPath().toLowerCase(Locale.ROOT) + "/") ? p.substring(spec.apiPath().length() + 1)
                    : null;
        }
        if (p == null || !p.matches("companies\\([0-9a-f-]{36}\\)/" + spec.entity().toLowerCase(Locale.ROOT))) {
            return null;
        }
        return new Collection(spec.apiPath() + "/" + path.substring(path.length() - p.length()),
                query == null ? null : encodeQuery(query));
    }

    /** Percent-encodes what may not stand in a request target (spaces, quotes...), leaving existing escapes. */
    static String encodeQuery(String query) {
        StringBuilder sb = new StringBuilder(query.length() + 16);
        for (byte b : query.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,;=:@/?%".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    /** The dedup key of {@code change} for target {@code index}: a hash, so Redis keys stay short. */
    private String key(int index, JsonObject change) {
        String raw = spec.name() + '\n' + index + '\n' + change.getString("subscriptionId") + '\n'
                + String.valueOf(change.getString("resource")).toLowerCase(Locale.ROOT) + '\n'
                + change.getString("changeType") + '\n' + change.getString("lastModifiedDateTime");
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(raw.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
