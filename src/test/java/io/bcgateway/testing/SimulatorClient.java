package io.bcgateway.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.vertx.core.json.JsonObject;

/** Drives the simulator's control API ({@code /_sim/...}) over real HTTP, as a separate process would be. */
public final class SimulatorClient {

    public static final String TENANT = "3f6b2a10-8c4e-4f1a-9d2b-5e7c1a0b9d42";
    public static final String DEMO_CLIENT_ID = "6a1e5c3b-2f47-4d8e-b1a9-0c3d5e7f9a21";
    public static final String DEMO_SECRET = "demo-only-secret-not-a-real-credential";

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public SimulatorClient(String base) {
        this.base = base;
    }

    /** For example {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return base;
    }

    public String tokenUrl() {
        return base + "/" + TENANT + "/oauth2/v2.0/token";
    }

    public JsonObject stats() {
        return call("GET", "/_sim/stats", null);
    }

    /** Token requests the simulator has answered for this client id (successful or not). */
    public int tokenRequests(String clientId) {
        JsonObject byClient = stats().getJsonObject("tokenRequestsByClient");
        return byClient == null ? 0 : byClient.getInteger(clientId, 0);
    }

    public void registerApp(String clientId, String secret) {
        call("POST", "/_sim/apps", new JsonObject().put("tenantId", TENANT).put("clientId", clientId)
                .put("clientSecret", secret).put("roles", new io.vertx.core.json.JsonArray()
                        .add("API.ReadWrite.All").add("Automation.ReadWrite.All")));
    }

    /** An app whose credential is a certificate: its public key and (hex) thumbprint. */
    public void registerCertificateApp(String clientId, String publicKeyPem, String thumbprint) {
        call("POST", "/_sim/apps", new JsonObject().put("tenantId", TENANT).put("clientId", clientId)
                .put("publicKeyPem", publicKeyPem).put("thumbprint", thumbprint));
    }

    /** An app with a federated identity credential (workload identity federation). */
    public void registerFederatedApp(String clientId, String issuer, String subject, String issuerPublicKeyPem) {
        call("POST", "/_sim/apps", new JsonObject().put("tenantId", TENANT).put("clientId", clientId)
                .put("federatedIssuer", issuer).put("federatedSubject", subject)
                .put("federatedPublicKeyPem", issuerPublicKeyPem));
    }

    /** An API of the tenant (other than BC) with the app roles granted to each client on it. */
    public void exposeApi(String appIdUri, java.util.Map<String, java.util.List<String>> grants) {
        JsonObject g = new JsonObject();
        grants.forEach((client, roles) -> g.put(client, new io.vertx.core.json.JsonArray(roles)));
        call("POST", "/_sim/apis", new JsonObject().put("tenantId", TENANT).put("appIdUri", appIdUri).put("grants", g));
    }

    /** A client-credentials access token from the simulated Entra ID, as a workload calling the gateway gets one. */
    public String clientCredentialsToken(String clientId, String secret, String scope) {
        String form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc(secret)
                + "&scope=" + enc(scope);
        HttpRequest request = HttpRequest.newBuilder(URI.create(tokenUrl())).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("token request for " + clientId + " -> " + r.statusCode());
            }
            return new JsonObject(r.body()).getString("access_token");
        } catch (IOException e) {
            throw new IllegalStateException("token request failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Any claims, signed with the simulator's key (expired or foreign tokens for validator tests). */
    public String signedToken(JsonObject claims) {
        return call("POST", "/_sim/tokens/sign", claims).getString("token");
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    public void revokeIssuedTokens() {
        call("POST", "/_sim/tokens/revoke", new JsonObject());
    }

    public void rejectAllTokens(boolean enabled) {
        call("PUT", "/_sim/tokens/reject-all", new JsonObject().put("enabled", enabled));
    }

    public void updateSettings(JsonObject partial) {
        call("PUT", "/_sim/settings", partial);
    }

    /** The next {@code count} BC requests answer {@code status}. */
    public void forceFaults(int status, int count) {
        call("POST", "/_sim/faults/force", new JsonObject().put("status", status).put("count", count));
    }

    /** Back to BC's real limits, no faults, a normal token endpoint, instant answers. */
    public void restoreDefaults() {
        call("POST", "/_sim/faults/reset", new JsonObject());
        updateSettings(new JsonObject().put("maxRunning", 5).put("maxQueued", 95).put("rateLimitRequests", 6000)
                .put("rateWindowMillis", 300000).put("latencyMillis", 0).put("retryAfterOn429", "off")
                .put("faultsAfterExecution", false).put("tokenEndpointMode", "normal").putNull("nextLinkOrigin"));
    }

    /** The BC requests in the simulator's log (newest last), each {kind, method, path, status, epochMillis}. */
    public java.util.List<JsonObject> bcRequests() {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/_sim/requests")).timeout(Duration.ofSeconds(30));
        try {
            String text = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            java.util.List<JsonObject> out = new java.util.ArrayList<>();
            new io.vertx.core.json.JsonArray(text).forEach(o -> {
                JsonObject e = (JsonObject) o;
                if ("bc".equals(e.getString("kind"))) {
                    out.add(e);
                }
            });
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public void resetRequestLog() {
        call("POST", "/_sim/requests/reset", new JsonObject());
    }

    /** Per client id: {running, queued, inWindow}. */
    public JsonObject limits() {
        return call("GET", "/_sim/limits", null);
    }

    public void advanceClock(Duration d) {
        call("POST", "/_sim/clock/advance", new JsonObject().put("seconds", d.toSeconds()));
    }

    public JsonObject call(String method, String path, JsonObject body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.encode()));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + ": " + r.body());
            }
            String text = r.body();
            return text == null || text.isBlank() || !text.strip().startsWith("{") ? new JsonObject()
                    : new JsonObject(text);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
