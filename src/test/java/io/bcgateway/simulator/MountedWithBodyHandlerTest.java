package io.bcgateway.simulator;

import static io.bcgateway.simulator.SimulatorHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Host applications may read bodies in a parent router; the simulator must still work under a prefix. */
class MountedWithBodyHandlerTest {

    @Test
    void worksUnderAPrefixBehindAParentBodyHandler() throws Exception {
        Vertx vertx = Vertx.vertx();
        BcSimulator sim = BcSimulator.create(vertx, SimulatorSettings.defaults());
        try {
            Router root = Router.router(vertx);
            root.route().handler(BodyHandler.create());
            root.route("/bc-sim/*").subRouter(sim.router());
            HttpServer server = vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            String base = "http://127.0.0.1:" + server.actualPort() + "/bc-sim";
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            HttpResponse<String> tokenResp = http.send(HttpRequest.newBuilder(URI.create(base + "/" + SimulatorHarness.TENANT
                    + "/oauth2/v2.0/token")).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(SimulatorHarness.form(SimulatorHarness.CLIENT, SimulatorHarness.SECRET,
                            SimulatorHarness.SCOPE))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, tokenResp.statusCode(), tokenResp.body());
            String token = json(tokenResp).get("access_token").asText();
            String api = base + "/v2.0/production/api/v2.0";

            HttpResponse<String> companies = http.send(HttpRequest.newBuilder(URI.create(api + "/companies"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(json(companies).get("@odata.context").asText().startsWith(api + "/$metadata"));
            String company = json(companies).get("value").get(0).get("id").asText();

            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(api + "/companies(" + company + ")/items"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"displayName\":\"Mounted Chair\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            assertTrue(created.headers().firstValue("Location").orElseThrow().startsWith(api + "/companies("));

            String media = api + "/companies(" + company + ")/documentAttachments(" + UUID.randomUUID() + ")/attachmentContent";
            assertEquals(204, http.send(HttpRequest.newBuilder(URI.create(media)).header("Authorization", "Bearer " + token)
                    .PUT(HttpRequest.BodyPublishers.ofString("pre-read body")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals("pre-read body", http.send(HttpRequest.newBuilder(URI.create(media)).header("Authorization", "Bearer " + token)
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
        } finally {
            sim.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
