package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /{tenantId}/oauth2/v2.0/token}: the Entra ID client-credentials grant.
 * Accepts the secret in the form ({@code client_secret_post}) or in an HTTP Basic header
 * ({@code client_secret_basic}, quarkus-oidc-client's default). Errors follow bc-facts "Token endpoint".
 * Certificate and federated credentials send a {@code client_assertion} instead, checked by {@link #checkAssertion}.
 * The client secret and the assertion are never echoed, logged or stored in the request log.
 */
final class EntraTokenEndpoint implements Handler<RoutingContext> {

    static final String BC_DEFAULT_SCOPE = TokenService.BC_AUDIENCE + "/.default";
    private static final int MAX_FORM_BYTES = 64 * 1024;
    private static final DateTimeFormatter ENTRA_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final io.vertx.core.Vertx vertx;
    private final SimulatorSettings settings;
    private final TokenService tokens;
    private final SimulatorStats stats;
    private final RequestLog log;
    private final Clock clock;

    EntraTokenEndpoint(io.vertx.core.Vertx vertx, SimulatorSettings settings, TokenService tokens, SimulatorStats stats, RequestLog log,
                       Clock clock) {
        this.vertx = vertx;
        this.settings = settings;
        this.tokens = tokens;
        this.stats = stats;
        this.log = log;
        this.clock = clock;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String tenant = ctx.pathParam("tenant");
        SimulatorSettings.TokenEndpointMode mode = settings.tokenEndpointMode();
        Bodies.read(ctx, MAX_FORM_BYTES).onComplete(ar -> {
            if (ar.failed()) {
                stats.tokenRequest(null);
                reply(ctx, error(ctx, 400, "invalid_request", 900144, "The request body is too large or could not be read."));
                return;
            }
            Map<String, String> form = parseForm(ar.result());
            Credentials cred = credentials(ctx, form);
            // Counted on arrival, whatever the answer: the gateway's tests count token-request storms with it.
            stats.tokenRequest(cred.clientId);
            switch (mode) {
                case DOWN -> {
                    stats.tokenFailure();
                    log.add(new RequestLog.Entry("token", "POST", Paths.relative(ctx), null, 0, clock.millis()));
                    ctx.request().connection().close();
                }
                case THROTTLED -> reply(ctx, throttled(ctx));
                case SLOW -> vertx.setTimer(Math.max(1, settings.tokenEndpointDelayMillis()),
                        id -> reply(ctx, decide(ctx, tenant, form, cred)));
                default -> reply(ctx, decide(ctx, tenant, form, cred));
            }
        });
    }

    /** bc-facts: Entra throttles callers that do not cache tokens with 429 and {@code Retry-After: 60} (AADSTS90055). */
    private Reply throttled(RoutingContext ctx) {
        Reply r = error(ctx, 429, "temporarily_unavailable", 90055, "TenantThrottlingThreshold: The number of incoming requests "
                + "exceeded the throttling threshold for the tenant. Please try again later.");
        return new Reply(r.status, r.body, "60");
    }

    private Reply decide(RoutingContext ctx, String tenant, Map<String, String> form, Credentials cred) {
        if (!settings.knowsTenant(tenant)) {
            return error(ctx, 400, "invalid_request", 90002, "Tenant '" + tenant + "' not found. Check to make sure you have the correct "
                    + "tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if "
                    + "there are no active subscriptions for the tenant.");
        }
        String grant = form.get("grant_type");
        if (!"client_credentials".equals(grant)) {
            // The simulator only implements the client-credentials flow the gateway uses.
            return error(ctx, 400, "unsupported_grant_type", 70003, grant == null
                    ? "The app requested an unsupported grant type ''."
                    : "The app requested an unsupported grant type '" + grant + "'.");
        }
        if (cred.clientId == null || cred.clientId.isEmpty()) {
            return error(ctx, 400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
        }
        Optional<SimulatorSettings.RegisteredApp> app = settings.app(tenant, cred.clientId);
        if (app.isEmpty()) {
            return error(ctx, 400, "unauthorized_client", 700016, "Application with identifier '" + cred.clientId
                    + "' was not found in the directory '" + tenant + "'. This can happen if the application has not been installed "
                    + "by the administrator of the tenant or consented to by any user in the tenant. You may have sent your "
                    + "authentication request to the wrong tenant.");
        }
        if (form.containsKey("client_assertion") || form.containsKey("client_assertion_type")) {
            Reply refused = checkAssertion(ctx, app.get(), form.get("client_assertion_type"), form.get("client_assertion"));
            if (refused != null) return refused;
        } else {
            if (cred.clientSecret == null || cred.clientSecret.isEmpty()) {
                return error(ctx, 401, "invalid_client", 7000218,
                        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
            }
            if (app.get().clientSecret() == null || !constantTimeEquals(cred.clientSecret, app.get().clientSecret())) {
                return error(ctx, 401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the "
                        + "request is the client secret value, not the client secret ID, for a secret added to app '" + cred.clientId + "'.");
            }
        }
        String scope = form.get("scope");
        if (scope == null || scope.isBlank()) {
            return error(ctx, 400, "invalid_scope", 70011, "The provided request must include a 'scope' input parameter.");
        }
        String requested = scope.trim();
        if (!requested.endsWith("/.default") || requested.contains(" ")) {
            // The client-credentials flow only takes a resource's .default scope (bc-facts: ".default is mandatory").
            return error(ctx, 400, "invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid. The scope "
                    + requested + " is not valid.");
        }
        int lifetime = settings.tokenLifetimeSeconds();
        String token;
        if (BC_DEFAULT_SCOPE.equals(requested)) {
            token = tokens.issue(app.get(), lifetime);
        } else {
            String resource = requested.substring(0, requested.length() - "/.default".length());
            Optional<SimulatorSettings.ExposedApi> api = settings.api(tenant, resource);
            if (api.isEmpty()) {
                return error(ctx, 400, "invalid_resource", 500011, "The resource principal named " + resource
                        + " was not found in the tenant named " + tenant + ". This can happen if the application has not been "
                        + "installed by the administrator of the tenant or consented to by any user in the tenant. You might "
                        + "have sent your authentication request to the wrong tenant.");
            }
            token = tokens.issue(app.get(), lifetime, api.get().appIdUri(), api.get().rolesOf(app.get().clientId()));
        }
        ObjectNode ok = JsonNodeFactory.instance.objectNode();
        ok.put("token_type", "Bearer");
        ok.put("expires_in", lifetime);
        ok.put("ext_expires_in", lifetime);
        ok.put("access_token", token);
        return new Reply(200, ok, null);
    }

    /**
     * Entra's checks of a client assertion: a certificate-signed JWT ({@code x5t} names a certificate of the app:
     * signature, {@code aud} = this token URL, {@code iss} = {@code sub} = client id, time range) or a federated
     * token (signature by the issuer, {@code iss}, {@code sub}, {@code aud} = api://AzureADTokenExchange, expiry).
     * Null when it passes. No answer contains the assertion.
     */
    private Reply checkAssertion(RoutingContext ctx, SimulatorSettings.RegisteredApp app, String type, String assertion) {
        if (!ClientAssertions.JWT_BEARER.equals(type)) {
            return error(ctx, 400, "invalid_request", 50027, "Invalid client_assertion_type; expected '"
                    + ClientAssertions.JWT_BEARER + "'.");
        }
        Optional<ClientAssertions.Jwt> parsed = assertion == null ? Optional.empty() : ClientAssertions.Jwt.parse(assertion);
        if (parsed.isEmpty()) {
            return error(ctx, 400, "invalid_request", 50027, "JWT token is invalid or malformed.");
        }
        ClientAssertions.Jwt jwt = parsed.get();
        long now = clock.instant().getEpochSecond();
        String x5t = jwt.header().path("x5t").asText("");
        if (app.certificate() != null && !x5t.isEmpty()) {
            if (!x5t.equals(app.certificate().x5t())) {
                return error(ctx, 401, "invalid_client", 700027, "Client assertion contains an invalid signature. [Reason - The key "
                        + "was not found., Thumbprint of key used by client: '" + x5t + "'. Please visit the Azure Portal, Graph "
                        + "Explorer or directly use MS Graph to see configured keys for app Id '" + app.clientId() + "'.]");
            }
            if (!jwt.signedBy(app.certificate().publicKey())) {
                return error(ctx, 401, "invalid_client", 700027, "Client assertion contains an invalid signature. [Reason - The "
                        + "provided signature value did not match the expected signature value., Thumbprint of key used by client: '"
                        + x5t + "']");
            }
            if (!app.clientId().equalsIgnoreCase(jwt.claim("iss")) || !app.clientId().equalsIgnoreCase(jwt.claim("sub"))) {
                return error(ctx, 401, "invalid_client", 700021, "Client assertion application identifier doesn't match "
                        + "'client_id' parameter. Review the documentation at https://learn.microsoft.com/entra/identity-platform/"
                        + "certificate-credentials.");
            }
            String tokenUrl = ownTokenUrl(ctx);
            if (!jwt.hasAudience(aud -> withoutTrailingSlash(aud).equalsIgnoreCase(tokenUrl))) {
                return error(ctx, 401, "invalid_client", 700027, "Client assertion failed validation: the audience claim must be "
                        + "the token endpoint '" + tokenUrl + "'.");
            }
            return timeRange(ctx, jwt, now);
        }
        SimulatorSettings.FederatedCredential federated = app.federated();
        if (federated == null) {
            return error(ctx, 401, "invalid_client", 700027, "Client assertion failed signature validation. [Reason - The key "
                    + "was not found.]");
        }
        if (!jwt.signedBy(federated.publicKey())) {
            return error(ctx, 401, "invalid_client", 700027, "Client assertion failed signature validation. [Reason - The key "
                    + "used to sign the assertion was not found at the issuer's JWKS.]");
        }
        if (!federated.issuer().equals(jwt.claim("iss")) || !federated.subject().equals(jwt.claim("sub"))
                || !jwt.hasAudience(ClientAssertions.TOKEN_EXCHANGE_AUDIENCE::equals)) {
            return error(ctx, 400, "invalid_request", 70021, "No matching federated identity record found for presented "
                    + "assertion. Assertion Issuer: '" + jwt.claim("iss") + "'. Assertion Subject: '" + jwt.claim("sub")
                    + "'. Assertion Audience: '" + jwt.claims().path("aud") + "'.");
        }
        return timeRange(ctx, jwt, now);
    }

    /** Entra allows five minutes of clock skew on {@code nbf}; {@code exp} is strict. */
    private Reply timeRange(RoutingContext ctx, ClientAssertions.Jwt jwt, long now) {
        if (jwt.exp() <= now || jwt.nbf() > now + 300) {
            return error(ctx, 401, "invalid_client", 700024, "Client assertion is not within its valid time range. Current time: "
                    + java.time.Instant.ofEpochSecond(now) + ", assertion valid from " + java.time.Instant.ofEpochSecond(jwt.nbf())
                    + ", expiry time of assertion " + java.time.Instant.ofEpochSecond(jwt.exp()) + ".");
        }
        return null;
    }

    /** This endpoint's URL as the caller addressed it, without query or trailing slash. */
    private static String ownTokenUrl(RoutingContext ctx) {
        String uri = ctx.request().absoluteURI();
        int q = uri.indexOf('?');
        return withoutTrailingSlash(q < 0 ? uri : uri.substring(0, q));
    }

    private static String withoutTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private record Reply(int status, ObjectNode body, String retryAfter) { }

    private record Credentials(String clientId, String clientSecret) { }

    private Credentials credentials(RoutingContext ctx, Map<String, String> form) {
        String auth = ctx.request().getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                    // RFC 6749 2.3.1: both parts are form-url-encoded before being joined and base64-encoded.
                    return new Credentials(urlDecode(decoded.substring(0, colon)), urlDecode(decoded.substring(colon + 1)));
                }
            } catch (IllegalArgumentException ignored) {
                // malformed header: fall through to the form, which then lacks a secret
            }
        }
        return new Credentials(form.get("client_id"), form.get("client_secret"));
    }

    private Reply error(RoutingContext ctx, int status, String error, int code, String description) {
        String traceId = UUID.randomUUID().toString();
        String clientRequestId = ctx.request().getHeader("client-request-id");
        String correlationId = clientRequestId != null && isGuid(clientRequestId) ? clientRequestId : UUID.randomUUID().toString();
        String timestamp = ENTRA_TIMESTAMP.format(clock.instant());
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("error", error);
        n.put("error_description", "AADSTS" + code + ": " + description + " Trace ID: " + traceId + " Correlation ID: "
                + correlationId + " Timestamp: " + timestamp);
        n.putArray("error_codes").add(code);
        n.put("timestamp", timestamp);
        n.put("trace_id", traceId);
        n.put("correlation_id", correlationId);
        n.put("error_uri", "https://login.microsoftonline.com/error?code=" + code);
        return new Reply(status, n, null);
    }

    private void reply(RoutingContext ctx, Reply reply) {
        if (reply.status != 200) {
            stats.tokenFailure();
        }
        log.add(new RequestLog.Entry("token", "POST", Paths.relative(ctx), null, reply.status, clock.millis()));
        if (ctx.response().ended() || ctx.response().closed()) return; // the client gave up on a slow endpoint
        ctx.response().setStatusCode(reply.status)
                .putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-store, no-cache")
                .putHeader("Pragma", "no-cache");
        if (reply.retryAfter != null) ctx.response().putHeader("Retry-After", reply.retryAfter);
        ctx.response().end(reply.body.toString());
    }

    static Map<String, String> parseForm(Buffer body) {
        Map<String, String> form = new HashMap<>();
        if (body == null) return form;
        for (String pair : body.toString(StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = urlDecode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : urlDecode(pair.substring(eq + 1));
            form.putIfAbsent(k, v);
        }
        return form;
    }

    private static String urlDecode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static boolean isGuid(String s) {
        try {
            UUID.fromString(s);
            return s.length() == 36;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean constantTimeEquals(String a, String b) {
        return java.security.MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
