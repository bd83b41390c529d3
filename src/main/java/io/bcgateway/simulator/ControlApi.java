package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Unauthenticated JSON control surface under {@code /_sim} for tests and benchmarks: stats, settings,
 * token revocation and rejection, app registration and the request log.
 */
final class ControlApi {

    private static final long MAX_BODY = 1024 * 1024;
    private static final Set<String> DATA_FIELDS = Set.of("companies", "customersPerCompany", "vendorsPerCompany", "itemsPerCompany", "seed");

    private final BcSimulator sim;

    ControlApi(BcSimulator sim) {
        this.sim = sim;
    }

    void mount(Router r) {
        r.get("/_sim/stats").handler(ctx -> json(ctx, 200, sim.stats().toJson()));
        r.post("/_sim/stats/reset").handler(ctx -> {
            sim.stats().reset();
            json(ctx, 200, sim.stats().toJson());
        });
        r.get("/_sim/settings").handler(ctx -> json(ctx, 200, settingsJson()));
        r.put("/_sim/settings").handler(ctx -> withBody(ctx, this::updateSettings));
        r.post("/_sim/clock/advance").handler(ctx -> withBody(ctx, body -> {
            JsonNode seconds = body.get("seconds");
            if (seconds == null || !seconds.canConvertToLong() || seconds.asLong() < 0) {
                throw new IllegalArgumentException("Body must be {\"seconds\":<non-negative number>}");
            }
            sim.advanceClock(java.time.Duration.ofSeconds(seconds.asLong()));
            json(ctx, 200, JsonNodeFactory.instance.objectNode().put("advancedSeconds", seconds.asLong()));
        }));
        r.post("/_sim/tokens/revoke").handler(ctx -> {
            sim.tokens().revokeAllIssued();
            json(ctx, 200, JsonNodeFactory.instance.objectNode().put("revoked", true));
        });
        // For tests of token validators: any claims (an expired token, a foreign issuer) signed with the simulator's key.
        r.post("/_sim/tokens/sign").handler(ctx -> withBody(ctx, body -> {
            json(ctx, 200, JsonNodeFactory.instance.objectNode().put("token", sim.tokens().signForTest(body)));
        }));
        r.put("/_sim/tokens/reject-all").handler(ctx -> withBody(ctx, body -> {
            JsonNode enabled = body.get("enabled");
            if (enabled == null || !enabled.isBoolean()) throw new IllegalArgumentException("Body must be {\"enabled\":true|false}");
            sim.tokens().rejectAll(enabled.asBoolean());
            json(ctx, 200, JsonNodeFactory.instance.objectNode().put("enabled", enabled.asBoolean()));
        }));
        r.get("/_sim/apps").handler(ctx -> {
            var arr = JsonNodeFactory.instance.arrayNode();
            sim.settings().apps().forEach(a -> arr.add(appJson(a)));
            json(ctx, 200, arr);
        });
        r.post("/_sim/apps").handler(ctx -> withBody(ctx, body -> {
            String tenant = required(body, "tenantId");
            String client = required(body, "clientId");
            String secret = body.hasNonNull("clientSecret") ? body.get("clientSecret").asText() : null;
            SimulatorSettings.CertificateCredential certificate = ClientAssertions.certificate(body);
            SimulatorSettings.FederatedCredential federated = ClientAssertions.federated(body);
            if (secret == null && certificate == null && federated == null) {
                throw new IllegalArgumentException("An app needs clientSecret, certificatePem, publicKeyPem + thumbprint, "
                        + "or federatedIssuer + federatedSubject + federatedPublicKeyPem");
            }
            List<String> roles = new ArrayList<>();
            if (body.has("roles")) {
                if (!body.get("roles").isArray()) throw new IllegalArgumentException("roles must be an array of strings");
                body.get("roles").forEach(n -> roles.add(n.asText()));
            } else {
                roles.addAll(SimulatorSettings.DEMO_ROLES);
            }
            SimulatorSettings.RegisteredApp app = new SimulatorSettings.RegisteredApp(tenant, client, secret, roles,
                    certificate, federated);
            sim.settings().registerApp(app);
            json(ctx, 201, appJson(app));
        }));
        r.post("/_sim/apis").handler(ctx -> withBody(ctx, body -> {
            String tenant = required(body, "tenantId");
            String appIdUri = required(body, "appIdUri");
            Map<String, List<String>> grants = new java.util.HashMap<>();
            JsonNode g = body.path("grants");
            if (!g.isMissingNode() && !g.isObject()) {
                throw new IllegalArgumentException("grants must be an object: {\"<clientId>\": [\"<app role>\", ...]}");
            }
            g.fields().forEachRemaining(e -> {
                List<String> roles = new ArrayList<>();
                e.getValue().forEach(n -> roles.add(n.asText()));
                grants.put(e.getKey(), roles);
            });
            SimulatorSettings.ExposedApi api = new SimulatorSettings.ExposedApi(tenant, appIdUri, grants);
            sim.settings().exposeApi(api);
            json(ctx, 201, JsonNodeFactory.instance.objectNode().put("tenantId", api.tenantId())
                    .put("appIdUri", api.appIdUri()));
        }));
        r.post("/_sim/faults/force").handler(ctx -> withBody(ctx, body -> {
            JsonNode status = body.get("status");
            JsonNode count = body.has("count") ? body.get("count") : JsonNodeFactory.instance.numberNode(1);
            JsonNode drop = body.get("drop");
            if (drop != null) {
                if (!drop.isTextual() || !drop.asText().equals("after-execution")) {
                    throw new IllegalArgumentException("drop must be \"after-execution\"");
                }
                sim.faults().dropAfterExecution(intValue("count", count));
                json(ctx, 200, faultsJson());
                return;
            }
            if (status == null) throw new IllegalArgumentException("Body must be {\"status\":<4xx|5xx>,\"count\":<n>} or {\"drop\":\"after-execution\",\"count\":<n>}");
            sim.faults().force(intValue("status", status), intValue("count", count));
            json(ctx, 200, faultsJson());
        }));
        r.get("/_sim/limits").handler(ctx -> json(ctx, 200, sim.limiter().toJson()));
        r.get("/_sim/faults").handler(ctx -> json(ctx, 200, faultsJson()));
        r.post("/_sim/faults/reset").handler(ctx -> {
            sim.faults().clear();
            sim.settings().resetFaults();
            json(ctx, 200, faultsJson());
        });
        r.get("/_sim/requests").handler(ctx -> json(ctx, 200, sim.requestLog().toJson()));
        r.post("/_sim/requests/reset").handler(ctx -> {
            sim.requestLog().clear();
            json(ctx, 200, JsonNodeFactory.instance.objectNode().put("cleared", true));
        });
        r.post("/_sim/reset").handler(ctx -> {
            sim.resetAll();
            json(ctx, 200, settingsJson());
        });
    }

    private void updateSettings(ObjectNode body) {
        SimulatorSettings s = sim.settings();
        boolean reseed = false;
        Iterator<Map.Entry<String, JsonNode>> it = body.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode v = f.getValue();
            switch (f.getKey()) {
                case "tokenLifetimeSeconds" -> s.tokenLifetimeSeconds(intValue(f.getKey(), v));
                case "companies" -> s.companies(intValue(f.getKey(), v));
                case "customersPerCompany" -> s.customersPerCompany(intValue(f.getKey(), v));
                case "vendorsPerCompany" -> s.vendorsPerCompany(intValue(f.getKey(), v));
                case "itemsPerCompany" -> s.itemsPerCompany(intValue(f.getKey(), v));
                case "maxPageSize" -> s.maxPageSize(intValue(f.getKey(), v));
                case "latencyMillis" -> s.latencyMillis(intValue(f.getKey(), v));
                case "rateLimitRequests" -> s.rateLimitRequests(intValue(f.getKey(), v));
                case "rateWindowMillis" -> s.rateWindowMillis(longValue(f.getKey(), v));
                case "maxRunning" -> s.maxRunning(intValue(f.getKey(), v));
                case "maxQueued" -> s.maxQueued(intValue(f.getKey(), v));
                case "queueTimeoutMillis" -> s.queueTimeoutMillis(longValue(f.getKey(), v));
                case "retryAfterOn503Seconds" -> s.retryAfterOn503Seconds(intValue(f.getKey(), v));
                case "retryAfterOn429" -> {
                    if (v.isTextual() && v.asText().equalsIgnoreCase("off") || v.isNull()) {
                        s.retryAfterOn429Seconds(null);
                    } else if (v.isIntegralNumber() && v.canConvertToInt()) {
                        s.retryAfterOn429Seconds(v.asInt());
                    } else {
                        throw new IllegalArgumentException("retryAfterOn429 must be \"off\" or a number of seconds");
                    }
                }
                case "nextLinkOrigin" -> s.nextLinkOrigin(v.isNull() ? null : v.asText());
                case "latencyJitterMillis" -> s.latencyJitterMillis(intValue(f.getKey(), v));
                case "faultRate" -> s.faultRate(doubleValue(f.getKey(), v));
                case "faultStatuses" -> {
                    if (!v.isArray()) throw new IllegalArgumentException("faultStatuses must be an array of statuses");
                    List<Integer> statuses = new ArrayList<>();
                    v.forEach(e -> statuses.add(intValue("faultStatuses", e)));
                    s.faultStatuses(statuses);
                }
                case "faultsAfterExecution" -> {
                    if (!v.isBoolean()) throw new IllegalArgumentException("faultsAfterExecution must be true or false");
                    s.faultsAfterExecution(v.asBoolean());
                }
                case "resetMidBodyRate" -> s.resetMidBodyRate(doubleValue(f.getKey(), v));
                case "replicaLagMillis" -> s.replicaLagMillis(intValue(f.getKey(), v));
                case "tokenEndpointMode" -> {
                    if (!v.isTextual()) throw new IllegalArgumentException("tokenEndpointMode must be normal, down, slow or throttled");
                    s.tokenEndpointMode(SimulatorSettings.TokenEndpointMode.parse(v.asText()));
                }
                case "tokenEndpointDelayMillis" -> s.tokenEndpointDelayMillis(intValue(f.getKey(), v));
                case "seed" -> {
                    if (!v.canConvertToLong()) throw new IllegalArgumentException("seed must be an integer");
                    s.seed(v.asLong());
                }
                case "environments" -> {
                    List<String> envs = new ArrayList<>();
                    v.forEach(e -> envs.add(e.asText()));
                    s.environments(envs);
                }
                default -> {
                    if (!WebhookControl.applySetting(s.webhooks(), f.getKey(), v)) {
                        throw new IllegalArgumentException("Unknown setting '" + f.getKey() + "'");
                    }
                }
            }
            reseed |= DATA_FIELDS.contains(f.getKey());
        }
        if (reseed) sim.reseed();
    }

    private static int intValue(String name, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw new IllegalArgumentException(name + " must be an integer");
        return v.asInt();
    }

    private static long longValue(String name, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw new IllegalArgumentException(name + " must be an integer");
        return v.asLong();
    }

    private static double doubleValue(String name, JsonNode v) {
        if (!v.isNumber()) throw new IllegalArgumentException(name + " must be a number between 0.0 and 1.0");
        return v.asDouble();
    }

    private ObjectNode faultsJson() {
        FaultInjector.Forced f = sim.faults().forced();
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        if (f.remaining() > 0) {
            n.put("forceStatus", f.status());
        } else {
            n.putNull("forceStatus");
        }
        n.put("forceRemaining", f.remaining());
        n.put("dropAfterExecutionRemaining", sim.faults().dropsRemaining());
        return n;
    }

    private static String required(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) throw new IllegalArgumentException(field + " is required");
        return v.asText();
    }

    ObjectNode settingsJson() {
        SimulatorSettings s = sim.settings();
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("tokenLifetimeSeconds", s.tokenLifetimeSeconds());
        n.put("companies", s.companies());
        n.put("customersPerCompany", s.customersPerCompany());
        n.put("vendorsPerCompany", s.vendorsPerCompany());
        n.put("itemsPerCompany", s.itemsPerCompany());
        n.put("maxPageSize", s.maxPageSize());
        WebhookControl.writeSettings(s.webhooks(), n);
        n.put("seed", s.seed());
        n.put("latencyMillis", s.latencyMillis());
        var envs = n.putArray("environments");
        s.environments().forEach(envs::add);
        n.put("rateLimitRequests", s.rateLimitRequests());
        n.put("rateWindowMillis", s.rateWindowMillis());
        n.put("maxRunning", s.maxRunning());
        n.put("maxQueued", s.maxQueued());
        n.put("maxConnections", s.maxConnections());
        n.put("queueTimeoutMillis", s.queueTimeoutMillis());
        n.put("retryAfterOn503Seconds", s.retryAfterOn503Seconds());
        if (s.retryAfterOn429Seconds().isPresent()) {
            n.put("retryAfterOn429", s.retryAfterOn429Seconds().get());
        } else {
            n.put("retryAfterOn429", "off");
        }
        n.put("nextLinkOrigin", s.nextLinkOrigin().orElse(null));
        n.put("latencyJitterMillis", s.latencyJitterMillis());
        n.put("faultRate", s.faultRate());
        var statuses = n.putArray("faultStatuses");
        s.faultStatuses().forEach(statuses::add);
        n.put("faultsAfterExecution", s.faultsAfterExecution());
        n.put("resetMidBodyRate", s.resetMidBodyRate());
        n.put("replicaLagMillis", s.replicaLagMillis());
        n.put("tokenEndpointMode", s.tokenEndpointMode().json());
        n.put("tokenEndpointDelayMillis", s.tokenEndpointDelayMillis());
        n.put("rejectAllTokens", sim.tokens().rejectAll());
        return n;
    }

    /** App registrations are listed without their secrets. */
    private static ObjectNode appJson(SimulatorSettings.RegisteredApp a) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("tenantId", a.tenantId());
        n.put("clientId", a.clientId());
        var roles = n.putArray("roles");
        a.roles().forEach(roles::add);
        if (a.certificate() != null) n.put("certificateThumbprint", a.certificate().x5t());
        if (a.federated() != null) {
            n.put("federatedIssuer", a.federated().issuer());
            n.put("federatedSubject", a.federated().subject());
        }
        return n;
    }

    private void withBody(RoutingContext ctx, Consumer<ObjectNode> action) {
        Bodies.read(ctx, MAX_BODY).onComplete(ar -> {
            try {
                if (ar.failed()) throw new IllegalArgumentException("Body could not be read");
                JsonNode body = ar.result().length() == 0 ? JsonNodeFactory.instance.objectNode() : JsonBuffers.read(ar.result());
                if (!(body instanceof ObjectNode o)) throw new IllegalArgumentException("Body must be a JSON object");
                action.accept(o);
                if (!ctx.response().ended()) json(ctx, 200, settingsJson());
            } catch (IllegalArgumentException | IOException e) {
                json(ctx, 400, JsonNodeFactory.instance.objectNode().put("error", e.getMessage()));
            }
        });
    }

    private static void json(RoutingContext ctx, int status, JsonNode body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(JsonBuffers.of(body));
    }

    static Handler<RoutingContext> notFound() {
        return ctx -> json(ctx, 404, JsonNodeFactory.instance.objectNode().put("error", "No such control endpoint"));
    }
}
