package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Entra ID's OpenID Connect metadata for a tenant: the discovery document at
 * {@code /{tenant}/v2.0/.well-known/openid-configuration} and the signing keys at
 * {@code /{tenant}/discovery/v2.0/keys}. Callers' token validators (quarkus-oidc in the gateway's {@code jwt} caller
 * mode) find the keys there, as they would at {@code login.microsoftonline.com}.
 *
 * <p>Like Entra's v2.0 document, the advertised {@code issuer} is {@code https://login.microsoftonline.com/{tid}/v2.0},
 * while app-only access tokens of an API that accepts v1 tokens (the default) carry
 * {@code iss = https://sts.windows.net/{tid}/}: a validator must be told which one to expect.
 */
final class EntraDiscovery {

    private final SimulatorSettings settings;
    private final TokenService tokens;

    EntraDiscovery(SimulatorSettings settings, TokenService tokens) {
        this.settings = settings;
        this.tokens = tokens;
    }

    void mount(Router r) {
        r.get("/:tenant/v2.0/.well-known/openid-configuration").handler(this::configuration);
        r.get("/:tenant/discovery/v2.0/keys").handler(this::keys);
    }

    private void configuration(RoutingContext ctx) {
        String tenant = ctx.pathParam("tenant").toLowerCase(Locale.ROOT);
        if (!settings.knowsTenant(tenant)) {
            send(ctx, 400, JsonNodeFactory.instance.objectNode().put("error", "invalid_tenant")
                    .put("error_description", "AADSTS90002: Tenant '" + tenant + "' not found."));
            return;
        }
        String base = Paths.base(ctx) + "/" + tenant;
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("issuer", "https://login.microsoftonline.com/" + tenant + "/v2.0");
        doc.put("token_endpoint", base + "/oauth2/v2.0/token");
        doc.put("authorization_endpoint", base + "/oauth2/v2.0/authorize");
        doc.put("jwks_uri", base + "/discovery/v2.0/keys");
        doc.putArray("token_endpoint_auth_methods_supported").add("client_secret_post").add("private_key_jwt")
                .add("client_secret_basic");
        doc.putArray("response_types_supported").add("code").add("id_token").add("code id_token").add("id_token token");
        doc.putArray("subject_types_supported").add("pairwise");
        doc.putArray("id_token_signing_alg_values_supported").add("RS256");
        doc.put("tenant_region_scope", "EU");
        send(ctx, 200, doc);
    }

    private void keys(RoutingContext ctx) {
        send(ctx, 200, tokens.jwks());
    }

    private static void send(RoutingContext ctx, int status, ObjectNode body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
                .end(JsonBuffers.of(body));
    }
}
