package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BC's {@code subscriptions} resource of API v2.0 and of custom APIs (bc-facts "Webhooks"): create with the validation
 * handshake, list, read, renew ({@code PATCH} with {@code If-Match}, handshake again) and delete. A principal sees only
 * its own subscriptions, whichever API route it asks on. Not available inside {@code $batch}.
 */
final class WebhookRoutes {

    /** The entity sets the simulator serves that BC's webhookSupportedResources lists. */
    static final Set<String> SUPPORTED_SETS = Set.of("customers", "vendors", "items");
    /** bc-facts: clientState is up to 2,048 characters. */
    static final int MAX_CLIENT_STATE = 2048;

    private static final Pattern RESOURCE = Pattern.compile("^companies\\(([^)]*)\\)/([A-Za-z]+)/?$");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One call on the subscriptions resource, after BC's front door (token, limits, faults) let it through. */
    record Call(String method, String apiRoute, String apiRoot, String path, MultiMap headers, Buffer body, String clientId) { }

    private final WebhookSettings settings;
    private final WebhookSubscriptions subscriptions;
    private final WebhookSender sender;
    private final WebhookDeliveryLog log;
    private final Supplier<EntityStore> store;
    private final Clock clock;

    WebhookRoutes(WebhookSettings settings, WebhookSubscriptions subscriptions, WebhookSender sender, WebhookDeliveryLog log,
                  Supplier<EntityStore> store, Clock clock) {
        this.settings = settings;
        this.subscriptions = subscriptions;
        this.sender = sender;
        this.log = log;
        this.store = store;
        this.clock = clock;
    }

    /** True for {@code subscriptions} and {@code subscriptions('<id>')} below an API root. */
    static boolean isSubscriptionsPath(String resourcePath) {
        return resourcePath.equals("subscriptions") || resourcePath.startsWith("subscriptions(")
                || resourcePath.startsWith("subscriptions%28");
    }

    /** Answers the call; BC's errors come back as error responses, never as a failed future. */
    Future<ODataResponse> handle(Call call, String correlationId) {
        try {
            return dispatch(call).otherwise(e -> e instanceof BcException b ? ODataService.error(b, correlationId)
                    : ODataService.error(new BcException(500, "Internal_ServerError", "An unexpected error occurred."), correlationId));
        } catch (BcException e) {
            return Future.succeededFuture(ODataService.error(e, correlationId));
        }
    }

    private Future<ODataResponse> dispatch(Call call) {
        List<ODataService.Segment> segs = ODataService.segments(call.path());
        if (segs.size() != 1) throw BcException.segmentNotFound(segs.get(segs.size() - 1).name());
        String key = segs.get(0).key();
        String method = call.method().toUpperCase(Locale.ROOT);
        if (key == null) {
            return switch (method) {
                case "GET" -> Future.succeededFuture(list(call));
                case "POST" -> create(call);
                default -> throw methodNotAllowed(method);
            };
        }
        String id = unquote(key);
        WebhookSubscriptions.Subscription s = subscriptions.get(id)
                .filter(x -> x.clientId().equalsIgnoreCase(call.clientId()))
                .orElseThrow(() -> notFound(id));
        return switch (method) {
            case "GET" -> Future.succeededFuture(entity(call, s, 200));
            case "PATCH" -> renew(call, s);
            case "DELETE" -> Future.succeededFuture(delete(call, s));
            default -> throw methodNotAllowed(method);
        };
    }

    private ODataResponse list(Call call) {
        List<WebhookSubscriptions.Subscription> mine = subscriptions.list(call.clientId());
        Buffer body = JsonBuffers.write(g -> {
            g.writeStartObject();
            g.writeStringField("@odata.context", call.apiRoot() + "/$metadata#subscriptions");
            g.writeArrayFieldStart("value");
            for (WebhookSubscriptions.Subscription s : mine) g.writeTree(fields(s));
            g.writeEndArray();
            g.writeEndObject();
        });
        return ODataResponse.of(200, BcErrors.SUCCESS_CONTENT_TYPE, body);
    }

    private Future<ODataResponse> create(Call call) {
        ObjectNode body = EntityBodies.parseObject(call.body());
        String url = notificationUrl(body.get("notificationUrl"));
        String clientState = clientState(body.get("clientState"));
        JsonNode resourceNode = body.get("resource");
        if (resourceNode == null || !resourceNode.isTextual() || resourceNode.asText().isBlank()) {
            throw BcException.badRequest("BadRequest", "The resource field is required.");
        }
        String resource = resourceNode.asText();
        Matcher m = RESOURCE.matcher(relativeResource(resource, call.apiRoute()));
        if (!m.matches() || !SUPPORTED_SETS.contains(m.group(2))) throw unsupported(resource);
        String companyKey = m.group(1).startsWith("id=") ? m.group(1).substring(3) : m.group(1);
        if (!EdmValues.isGuid(companyKey)) throw unsupported(resource);
        UUID companyId = UUID.fromString(companyKey);
        if (store.get().company(companyId).isEmpty()) {
            throw new BcException(404, "Internal_CompanyNotFound",
                    "The company with ID '" + companyId + "' does not exist or you do not have access to it.");
        }
        return handshake(url).map(v -> {
            Instant now = clock.instant();
            WebhookSubscriptions.Subscription s = new WebhookSubscriptions.Subscription(WebhookSubscriptions.newId(),
                    call.clientId(), call.apiRoute(), resource, companyId, m.group(2), url, clientState, now, now,
                    now.plus(Duration.ofSeconds(settings.subscriptionLifetimeSeconds())), subscriptions.nextEtag());
            subscriptions.add(s);
            return entity(call, s, 201).header("Location", call.apiRoot() + "/subscriptions('" + s.id() + "')");
        });
    }

    /** Renewal: a new lifetime from now, after the handshake succeeds again; notificationUrl and clientState may change. */
    private Future<ODataResponse> renew(Call call, WebhookSubscriptions.Subscription old) {
        checkIfMatch(call, old, true);
        ObjectNode body = call.body() == null || call.body().length() == 0
                ? JsonBuffers.MAPPER.createObjectNode() : EntityBodies.parseObject(call.body());
        String url = body.has("notificationUrl") ? notificationUrl(body.get("notificationUrl")) : old.notificationUrl();
        String clientState = body.has("clientState") ? clientState(body.get("clientState")) : old.clientState();
        if (body.has("resource") && !body.get("resource").asText().equals(old.resource())
                && !relativeResource(body.get("resource").asText(), old.apiRoute()).equals(relativeResource(old.resource(), old.apiRoute()))) {
            throw BcException.badRequest("BadRequest", "The resource of a subscription cannot be changed.");
        }
        return handshake(url).map(v -> {
            Instant now = clock.instant();
            WebhookSubscriptions.Subscription renewed = old.renewed(url, clientState, now,
                    now.plus(Duration.ofSeconds(settings.subscriptionLifetimeSeconds())), subscriptions.nextEtag());
            if (!subscriptions.replace(old, renewed)) {
                // changed or deleted while the handshake ran
                throw new BcException(412, "Request_EntityChanged", "Another user has already changed the record.");
            }
            return entity(call, renewed, 200);
        });
    }

    private ODataResponse delete(Call call, WebhookSubscriptions.Subscription s) {
        checkIfMatch(call, s, false);
        if (!subscriptions.remove(s.id())) throw notFound(s.id());
        return ODataResponse.of(204, null, null);
    }

    /** PATCH needs If-Match like any BC entity (400 without); a stale ETag is 412 here (bc-facts: 409, sometimes 412). */
    private static void checkIfMatch(Call call, WebhookSubscriptions.Subscription s, boolean required) {
        String ifMatch = call.headers().get("If-Match");
        if (ifMatch == null || ifMatch.isBlank()) {
            if (!required) return;
            throw BcException.badRequest("BadRequest_InvalidToken", "Could not validate the client concurrency token required by the "
                    + "service. Please provide a valid token in the client request.");
        }
        if (!Etags.matches(ifMatch, s.etag())) {
            throw new BcException(412, "Request_EntityChanged", "Another user has already changed the record.");
        }
    }

    /**
     * The validation handshake: BC calls {@code notificationUrl?validationToken=<token>} and goes on only if the answer
     * is 200 with exactly the token as body.
     */
    private Future<Void> handshake(String url) {
        byte[] raw = new byte[24];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        long timeout = settings.handshakeTimeoutMillis();
        Instant at = clock.instant();
        return sender.handshake(url, token, timeout).compose(answer -> {
            boolean ok = answer.status() == 200 && token.equals(answer.body());
            log.add(new WebhookDeliveryLog.Entry(url, at, 1, answer.status(), null, true, ok ? "validated" : "rejected"));
            if (ok) return Future.succeededFuture();
            String why = answer.status() == 0
                    ? "did not answer within " + timeout + " ms"
                    : answer.status() == 200 ? "answered 200 without the validation token" : "answered " + answer.status();
            return Future.failedFuture(BcException.badRequest("BadRequest",
                    "The subscription could not be validated: the notificationUrl " + why + "."));
        });
    }

    private ODataResponse entity(Call call, WebhookSubscriptions.Subscription s, int status) {
        ObjectNode n = JsonBuffers.MAPPER.createObjectNode();
        n.put("@odata.context", call.apiRoot() + "/$metadata#subscriptions/$entity");
        n.setAll(fields(s));
        return ODataResponse.of(status, BcErrors.SUCCESS_CONTENT_TYPE, JsonBuffers.of(n)).header("ETag", s.etag());
    }

    /** BC's subscription shape (Microsoft's "Working with webhooks" sample), with the ETag first. */
    private static ObjectNode fields(WebhookSubscriptions.Subscription s) {
        ObjectNode n = JsonBuffers.MAPPER.createObjectNode();
        n.put("@odata.etag", s.etag());
        n.put("subscriptionId", s.id());
        n.put("notificationUrl", s.notificationUrl());
        n.put("resource", s.resource());
        n.put("userId", s.userId());
        n.put("lastModifiedDateTime", EntityStore.timestamp(s.lastModified()));
        n.put("clientState", s.clientState());
        n.put("expirationDateTime", EntityStore.timestamp(s.expiration()));
        n.put("systemCreatedAt", EntityStore.timestamp(s.created()));
        n.put("systemCreatedBy", s.userId());
        n.put("systemModifiedAt", EntityStore.timestamp(s.lastModified()));
        n.put("systemModifiedBy", s.userId());
        return n;
    }

    /**
     * The resource relative to the API root: BC takes {@code companies(..)/customers}, {@code api/v2.0/companies(..)/customers},
     * the same with a leading slash, or the absolute URL. A path of another API than the route's is returned as is, and
     * so unsupported.
     */
    static String relativeResource(String resource, String apiRoute) {
        String r = resource;
        if (r.startsWith("https://") || r.startsWith("http://")) {
            int at = r.indexOf("/" + apiRoute + "/");
            if (at >= 0) r = r.substring(at);
        }
        r = r.startsWith("/") ? r.substring(1) : r;
        if (r.startsWith(apiRoute + "/")) r = r.substring(apiRoute.length() + 1);
        return r.replace("%28", "(").replace("%29", ")");
    }

    private static String notificationUrl(JsonNode v) {
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw BcException.badRequest("BadRequest", "The notificationUrl field is required.");
        }
        String url = v.asText();
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            // BC online requires https; the simulator also takes http so tests can listen on loopback without TLS.
            if ((scheme.equals("https") || scheme.equals("http")) && u.getHost() != null && u.getFragment() == null) return url;
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw BcException.badRequest("BadRequest", "The notificationUrl '" + url + "' is not a valid absolute URL.");
    }

    private static String clientState(JsonNode v) {
        if (v == null || v.isNull()) return "";
        if (!v.isTextual()) throw BcException.badRequest("BadRequest", "The clientState field must be a string.");
        if (v.asText().length() > MAX_CLIENT_STATE) {
            throw BcException.badRequest("BadRequest", "The clientState field can be at most " + MAX_CLIENT_STATE + " characters long.");
        }
        return v.asText();
    }

    private static String unquote(String key) {
        String k = key.startsWith("subscriptionId=") ? key.substring("subscriptionId=".length()) : key;
        return k.length() >= 2 && k.startsWith("'") && k.endsWith("'") ? k.substring(1, k.length() - 1) : k;
    }

    private static BcException unsupported(String resource) {
        return BcException.badRequest("BadRequest", "The resource '" + resource + "' does not support webhooks. Subscribe to an "
                + "entity set of a company, e.g. companies({id})/customers; supported here: " + String.join(", ",
                new java.util.TreeSet<>(SUPPORTED_SETS)) + ".");
    }

    private static BcException notFound(String id) {
        return new BcException(404, "Internal_RecordNotFound", "The API Webhook Subscription does not exist. Identification "
                + "fields and values: Subscription Id='" + id + "'");
    }

    private static BcException methodNotAllowed(String method) {
        return new BcException(405, "BadRequest_MethodNotAllowed", "'" + method + "' requests for 'subscriptions' of EdmType "
                + "'Entity' are not allowed within Dynamics 365 Business Central OData web services.");
    }
}
