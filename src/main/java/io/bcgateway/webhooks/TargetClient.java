package io.bcgateway.webhooks;

import java.net.URI;
import java.time.Duration;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * POSTs a batch of changes to one {@code deliver-to} target, with the webhook's own bounded retries (attempts,
 * doubling back-off, a time limit per attempt). Any 2xx means the target took the batch; anything else, a
 * time-out or a refused connection is a failed attempt. When the last attempt fails the caller answers BC 503,
 * and BC retries the whole notification later (over 36 hours): the gateway's retries only bridge short blips.
 */
final class TargetClient {

    private final Vertx vertx;
    private final HttpClient http;
    private final int attempts;
    private final Duration backoff;
    private final Duration timeout;

    TargetClient(Vertx vertx, HttpClient http, int attempts, Duration backoff, Duration timeout) {
        this.vertx = vertx;
        this.http = http;
        this.attempts = attempts;
        this.backoff = backoff;
        this.timeout = timeout;
    }

    /** Succeeds once {@code target} answered 2xx to {@code body}; fails after the last attempt. */
    Future<Void> post(URI target, Buffer body) {
        Promise<Void> done = Promise.promise();
        attempt(target, body, 1, done);
        return done.future();
    }

    /** The status decides; the body is read only so the kept-alive connection can be reused. */
    private static Future<Void> took(HttpClientResponse response) {
        return response.body().compose(ignored -> response.statusCode() / 100 == 2 ? Future.succeededFuture()
                : Future.failedFuture(new IllegalStateException("the target answered " + response.statusCode())));
    }

    private void attempt(URI target, Buffer body, int attempt, Promise<Void> done) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(target.toString())
                .setIdleTimeout(timeout.toMillis()).putHeader("Content-Type", "application/json");
        http.request(options).compose(request -> request.send(body)).compose(TargetClient::took)
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        done.complete();
                        return;
                    }
                    if (attempt >= attempts) {
                        done.fail(ar.cause());
                        return;
                    }
                    long pause = Math.max(1, backoff.toMillis() << (attempt - 1));
                    vertx.setTimer(pause, id -> attempt(target, body, attempt + 1, done));
                });
    }
}
