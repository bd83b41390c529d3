package io.bcgateway.simulator;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The simulated BC's outgoing HTTP calls to subscribers: the validation handshake and notification POSTs. A call
 * that cannot connect, resets or does not answer within its timeout is answered with status 0; nothing here throws.
 */
final class WebhookSender {

    /** BC only looks at a handshake answer's token; anything longer is not the token. */
    private static final int MAX_ANSWER_BYTES = 8192;

    /** A subscriber's answer: status 0 when there was none; the body only up to {@value #MAX_ANSWER_BYTES} bytes. */
    record Answer(int status, String body) {
        static final Answer NONE = new Answer(0, null);
    }

    private final HttpClient client;

    WebhookSender(Vertx vertx) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(16).setKeepAlive(true));
    }

    /** {@code POST notificationUrl?validationToken=<token>} with an empty body, as BC online sends it. */
    Future<Answer> handshake(String notificationUrl, String token, long timeoutMillis) {
        String sep = notificationUrl.contains("?") ? "&" : "?";
        String url = notificationUrl + sep + "validationToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        return call(url, null, timeoutMillis);
    }

    /** A notification: {@code POST notificationUrl} with the JSON body (UTF-8, no BOM). */
    Future<Answer> notify(String notificationUrl, Buffer json, long timeoutMillis) {
        return call(notificationUrl, json, timeoutMillis);
    }

    private Future<Answer> call(String url, Buffer body, long timeoutMillis) {
        RequestOptions options;
        try {
            options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                    .setConnectTimeout(timeoutMillis).setIdleTimeout(timeoutMillis);
        } catch (RuntimeException e) {
            return Future.succeededFuture(Answer.NONE); // the URL was checked on create; a bad one simply never answers
        }
        if (body != null) options.putHeader("Content-Type", "application/json");
        return client.request(options)
                .compose(req -> (body == null ? req.send() : req.send(body)))
                .compose(resp -> readCapped(resp).map(b -> new Answer(resp.statusCode(), b)))
                .otherwise(Answer.NONE);
    }

    private static Future<String> readCapped(HttpClientResponse resp) {
        Promise<String> done = Promise.promise();
        Buffer acc = Buffer.buffer();
        resp.handler(chunk -> {
            if (acc.length() < MAX_ANSWER_BYTES) acc.appendBuffer(chunk.slice(0, Math.min(chunk.length(), MAX_ANSWER_BYTES - acc.length())));
        });
        resp.exceptionHandler(done::tryFail);
        resp.endHandler(v -> done.tryComplete(acc.toString(StandardCharsets.UTF_8)));
        return done.future();
    }

    void close() {
        client.close();
    }
}
