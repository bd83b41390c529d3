package io.bcgateway.fanout;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import io.bcgateway.connection.Connection;
import io.bcgateway.connection.Principal;
import io.bcgateway.metrics.ConnectionMetrics;
import io.bcgateway.metrics.Spans;
import io.bcgateway.proxy.ContextHop;
import io.bcgateway.resilience.Backoff;
import io.bcgateway.resilience.BcFailureException;
import io.bcgateway.resilience.RetryAfter;
import io.bcgateway.resilience.RetryGate;
import io.bcgateway.resilience.RetryPolicy;
import io.bcgateway.throttle.Admission;
import io.bcgateway.token.AccessToken;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * Calls BC on the gateway's own behalf (fan-out pages, company lists, batch chunks) with the same rules as the
 * pass-through: per-principal admission, the connection's token, its circuit breaker, one token replay after a
 * 401, and retries per {@link RetryPolicy}. Answers are read whole: callers keep them small (bounded page sizes,
 * 100-operation batches).
 */
public final class BcClient {

    /** BC's answer, read whole. */
    public record Answer(int status, MultiMap headers, Buffer body) {
        /** BC's {@code error} object when the body is one, otherwise a short description. */
        public Object errorJson() {
            try {
                JsonObject json = new JsonObject(body);
                return json.containsKey("error") ? json.getValue("error") : json;
            } catch (RuntimeException notJson) {
                return new JsonObject().put("code", "gateway.non-json-error")
                        .put("message", "Business Central answered " + status + " without a JSON body");
            }
        }

        /** {@code error.code} of a BC error body, or null. */
        public String bcErrorCode() {
            try {
                JsonObject error = new JsonObject(body).getJsonObject("error");
                return error == null ? null : error.getString("code");
            } catch (RuntimeException notJson) {
                return null;
            }
        }
    }

    private final RetryGate retryGate;
    private final Backoff backoff;
    private final Clock clock;
    private final Duration readTimeout;

    public BcClient(RetryGate retryGate, Backoff backoff, Clock clock, Duration readTimeout) {
        this.retryGate = retryGate;
        this.backoff = backoff;
        this.clock = clock;
        this.readTimeout = readTimeout;
    }

    /**
     * Sends {@code method uri} (the upstream request target) with {@code headers} and {@code body} (may be null),
     * retrying what may be retried until {@code deadline}. Completes on {@code context}; fails only when BC never
     * answered (the failure is then a token, admission, breaker or transport exception).
     */
    public Future<Answer> call(Context context, Connection connection, HttpMethod method, String uri,
            MultiMap headers, Buffer body, Instant deadline) {
        Promise<Answer> promise = Promise.promise();
        connection.retryBudget().recordRequest();
        new Call(context, connection, method, uri, headers, body, deadline, promise).admit();
        return promise.future();
    }

    private final class Call {
        private final Context context;
        private final Connection connection;
        private final HttpMethod method;
        private final String uri;
        private final MultiMap headers;
        private final Buffer body;
        private final Instant deadline;
        private final Promise<Answer> promise;
        private int attempts;
        private int retries;
        private boolean tokenReplayed;

        Call(Context context, Connection connection, HttpMethod method, String uri, MultiMap headers, Buffer body,
                Instant deadline, Promise<Answer> promise) {
            this.context = context;
            this.connection = connection;
            this.method = method;
            this.uri = uri;
            this.headers = headers;
            this.body = body;
            this.deadline = deadline;
            this.promise = promise;
        }

        void admit() {
            Principal principal = connection.pick();
            long waitStart = System.nanoTime();
            ContextHop.onContext(context, principal.admission().acquire(deadline), admitted -> {
                connection.metrics().admissionWaited(principal, waitStart);
                if (admitted.failed()) {
                    connection.metrics().gatewayThrottled(principal);
                    promise.fail(admitted.cause());
                    return;
                }
                Admission.Permit permit = admitted.result();
                ContextHop.onContext(context, principal.tokens().token(), token -> {
                    if (token.failed()) {
                        permit.release();
                        promise.fail(token.cause());
                    } else {
                        attempt(principal, permit, token.result());
                    }
                });
            });
        }

        private void attempt(Principal principal, Admission.Permit permit, AccessToken token) {
            attempts++;
            long sentAt = System.nanoTime();
            Span span = connection.metrics().spans().startAttempt(connection.name(), attempts);
            CompletionStage<Answer> sent = connection.breaker().call(() -> send(token, span));
            Promise<Answer> outcome = Promise.promise();
            sent.whenComplete((a, e) -> {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                int status = a != null ? a.status()
                        : cause instanceof BcFailureException f ? (f.result() instanceof Answer fa ? fa.status() : 0)
                        : -1;
                connection.metrics().upstreamAttempt(sentAt, status);
                Spans.end(span, status);
                if (e == null) {
                    outcome.complete(a);
                } else {
                    outcome.fail(cause);
                }
            });
            ContextHop.onContext(context, outcome.future(), ar -> {
                permit.release();
                if (ar.succeeded()) {
                    onAnswer(principal, token, ar.result());
                } else if (ar.cause() instanceof BcFailureException f) {
                    Answer answer = (Answer) f.result();
                    Duration wait = answer == null ? backoff.delay(retries + 1)
                            : RetryAfter.parse(answer.headers().get(HttpHeaders.RETRY_AFTER), clock)
                                    .orElseGet(() -> backoff.delay(retries + 1));
                    retryOrElse(f.outcome(), wait, () -> {
                        if (answer != null) {
                            promise.complete(answer);
                        } else {
                            promise.fail(f.getCause());
                        }
                    });
                } else {
                    promise.fail(ar.cause());
                }
            });
        }

        private CompletionStage<Answer> send(AccessToken token, Span span) {
            CompletableFuture<Answer> result = new CompletableFuture<>();
            RequestOptions options = new RequestOptions().setMethod(method).setURI(uri)
                    .setIdleTimeout(readTimeout.toMillis());
            connection.http().request(options).onComplete(ar -> {
                if (ar.failed()) {
                    RetryPolicy.Outcome o = ar.cause() instanceof ConnectException ? RetryPolicy.Outcome.NOT_SENT
                            : RetryPolicy.Outcome.UNKNOWN;
                    result.completeExceptionally(new BcFailureException(null, ar.cause(), o));
                    return;
                }
                var up = ar.result();
                up.headers().addAll(headers);
                connection.metrics().spans().inject(span, up.headers());
                up.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token.value());
                Future<HttpClientResponse> response = body == null ? up.send() : up.send(body);
                response.compose(r -> r.body().map(b -> new Answer(r.statusCode(), r.headers(), b)))
                        .onComplete(read -> {
                            if (read.failed()) {
                                result.completeExceptionally(new BcFailureException(null, read.cause(),
                                        RetryPolicy.Outcome.UNKNOWN));
                                return;
                            }
                            Answer a = read.result();
                            RetryPolicy.Outcome o = RetryPolicy.ofStatus(a.status(), a.status() >= 429
                                    ? a.bcErrorCode() : null);
                            if (a.status() >= 500 && o != RetryPolicy.Outcome.NOT_EXECUTED) {
                                result.completeExceptionally(new BcFailureException(a, null, o));
                            } else {
                                result.complete(a);
                            }
                        });
            });
            return result;
        }

        private void onAnswer(Principal principal, AccessToken token, Answer answer) {
            if (answer.status() >= 400) {
                connection.metrics().bcError(answer.status(), answer.bcErrorCode(), answer.headers().get("request-id"));
            }
            if (answer.status() == 401 && !tokenReplayed) {
                tokenReplayed = true;
                connection.metrics().retried(ConnectionMetrics.RetryReason.TOKEN_REJECTED);
                ContextHop.onContext(context, principal.tokens().tokenAfterRejection(token), t -> {
                    if (t.failed()) {
                        promise.fail(t.cause());
                    } else {
                        admit();
                    }
                });
                return;
            }
            RetryPolicy.Outcome outcome = RetryPolicy.ofStatus(answer.status(), answer.bcErrorCode());
            if (outcome == RetryPolicy.Outcome.NOT_EXECUTED) {
                connection.metrics().bcThrottled(principal, answer.status(), answer.headers().get(HttpHeaders.RETRY_AFTER));
                Duration pause = RetryAfter.parse(answer.headers().get(HttpHeaders.RETRY_AFTER), clock)
                        .orElseGet(() -> backoff.delay(retries + 1));
                if (retryGate.honours(pause)) {
                    principal.admission().pauseUntil(clock.instant().plus(pause));
                }
                retryOrElse(outcome, pause, () -> promise.complete(answer));
                return;
            }
            promise.complete(answer);
        }

        private void retryOrElse(RetryPolicy.Outcome outcome, Duration wait, Runnable giveUp) {
            boolean allowed = retryGate.allows(outcome, method, headers.get(HttpHeaders.IF_MATCH), attempts, wait,
                    deadline, connection.retryBudget());
            if (!allowed) {
                giveUp.run();
                return;
            }
            retries++;
            connection.metrics().retried(ConnectionMetrics.RetryReason.of(outcome));
            if (outcome == RetryPolicy.Outcome.NOT_EXECUTED || wait.isZero()) {
                admit();
            } else {
                context.owner().setTimer(Math.max(1, wait.toMillis()), id -> context.runOnContext(v -> admit()));
            }
        }
    }
}
