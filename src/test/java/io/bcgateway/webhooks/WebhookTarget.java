package io.bcgateway.webhooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

/**
 * The internal service a webhook delivers to, on a random loopback port: it records every change it took and can
 * be "down" (answers 503). Also chooses the gateway's own port up front, because the gateway registers its
 * notification URL ({@code public-url}) with the simulator, and {@code quarkus.http.test-port=0} would only be
 * known after start.
 *
 * <p>Webhooks: {@code customers} (every company's customers, collections delivered as they come) and
 * {@code vendors} (collections expanded into rows), both on connection {@code hooks}, delivering here.
 */
public class WebhookTarget implements QuarkusTestResourceLifecycleManager {

    /** What the target took: one entry per change, with the webhook it came from. */
    public static final class Received {
        private final List<JsonObject> changes = new CopyOnWriteArrayList<>();
        private volatile boolean down;
        private volatile int posts;

        public List<JsonObject> changes() {
            return new ArrayList<>(changes);
        }

        public void down(boolean down) {
            this.down = down;
        }

        public int posts() {
            return posts;
        }

        public void clear() {
            changes.clear();
            posts = 0;
        }
    }

    static final Received RECEIVED = new Received();
    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            RECEIVED.posts++;
            if (RECEIVED.down) {
                request.response().setStatusCode(503).end();
                return;
            }
            JsonObject batch = new JsonObject(body);
            batch.getJsonArray("value").forEach(o -> RECEIVED.changes.add(((JsonObject) o).copy()
                    .put("webhook", batch.getString("webhook"))));
            request.response().setStatusCode(204).end();
        }));
        int targetPort;
        try {
            targetPort = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS).actualPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        int gatewayPort = freePort();
        String target = "http://127.0.0.1:" + targetPort + "/changes";
        String publicUrl = "http://127.0.0.1:" + gatewayPort;
        Map<String, String> config = new java.util.HashMap<>();
        config.put("quarkus.http.test-port", String.valueOf(gatewayPort));
        for (String hook : List.of("customers", "vendors")) {
            String p = "gateway.webhooks." + hook + ".";
            config.put(p + "connection", "hooks");
            config.put(p + "resource", "api/v2.0/companies(*)/" + hook);
            config.put(p + "deliver-to", target);
            config.put(p + "public-url", publicUrl);
            config.put(p + "check-interval", "1s");
            config.put(p + "resync-interval", "2s");
            config.put(p + "delivery-attempts", "2");
            config.put(p + "delivery-backoff", "20ms");
            config.put(p + "delivery-timeout", "2s");
        }
        config.put("gateway.webhooks.vendors.expand-collections", "true");
        return config;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
