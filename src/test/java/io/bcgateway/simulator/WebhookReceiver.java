package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A subscriber on a random loopback port: answers the simulated BC's handshakes and notifications as a test tells
 * it to, and keeps what it received.
 */
final class WebhookReceiver implements AutoCloseable {

    /** How the handshake is answered. */
    enum Handshake { ECHO_TOKEN, WRONG_BODY, NOT_FOUND, SILENT }

    /** A notification as received: the path it was posted to and its JSON body. */
    record Notification(String path, String contentType, JsonNode body) { }

    /** A status for {@link #answerNotifications}: the notification is never answered. */
    static final int NO_ANSWER = -1;

    private final HttpServer server;
    private volatile Handshake handshake = Handshake.ECHO_TOKEN;
    private final Deque<Integer> statuses = new ArrayDeque<>();
    private final List<Notification> notifications = new ArrayList<>();
    private final List<String> handshakes = new ArrayList<>();

    WebhookReceiver(Vertx vertx) throws Exception {
        server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    void handshake(Handshake h) {
        handshake = h;
    }

    /** The next notifications are answered with these statuses, in order ({@link #NO_ANSWER}: none); then 200 again. */
    synchronized void answerNotifications(Integer... s) {
        statuses.addAll(List.of(s));
    }

    synchronized void clearStatuses() {
        statuses.clear();
    }

    synchronized List<Notification> notifications() {
        return List.copyOf(notifications);
    }

    /** The methods and paths (with query) of the handshakes received. */
    synchronized List<String> handshakes() {
        return List.copyOf(handshakes);
    }

    private void handle(HttpServerRequest req) {
        String token = req.getParam("validationToken");
        req.body().onSuccess(body -> {
            if (token != null) {
                synchronized (this) {
                    handshakes.add(req.method() + " " + req.uri());
                }
                switch (handshake) {
                    case ECHO_TOKEN -> req.response().setStatusCode(200).putHeader("Content-Type", "text/plain").end(token);
                    case WRONG_BODY -> req.response().setStatusCode(200).end("not-the-token");
                    case NOT_FOUND -> req.response().setStatusCode(404).end();
                    case SILENT -> { } // never answers
                }
                return;
            }
            int status;
            synchronized (this) {
                try {
                    notifications.add(new Notification(req.path(), req.getHeader("Content-Type"),
                            SimulatorHarness.JSON.readTree(body.getBytes())));
                } catch (java.io.IOException e) {
                    notifications.add(new Notification(req.path(), req.getHeader("Content-Type"), null));
                }
                Integer next = statuses.pollFirst();
                status = next == null ? 200 : next;
            }
            if (status != NO_ANSWER) req.response().setStatusCode(status).end();
        });
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
