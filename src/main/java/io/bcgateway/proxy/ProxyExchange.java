package io.bcgateway.proxy;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import io.bcgateway.connection.Connection;
import io.bcgateway.connection.Principal;
import io.bcgateway.metrics.ConnectionMetrics;
import io.bcgateway.metrics.Spans;
import io.bcgateway.resilience.Backoff;
import io.bcgateway.resilience.BcFailureException;
import io.bcgateway.resilience.RetryAfter;
import io.bcgateway.resilience.RetryGate;
import io.bcgateway.resilience.RetryPolicy;
import io.bcgateway.throttle.Admission;
import io.bcgateway.token.AccessToken;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * One caller request on its way through the gateway: admission to a principal, token, upstream attempt(s)
 * through the circuit breaker, and the streamed answer.
 *
 * <p>Bodies up to the replay limit are read into memory first so the request can be sent again (after a 401 with
 * a fresh token, or a retry per {@link RetryPolicy}); larger bodies are piped straight to Business Central and only
 * re-sent when the connection could not even be opened. Every callback runs on the caller's event loop.
 */
final class ProxyExchange {

    /** BC cancels any request after ten minutes (bc-facts: request time). */
    private static final long UPLOAD_IDLE_TIMEOUT_MILLIS = 10 * 60 * 1000;
    /** BC's error answers are small JSON documents; they are read whole to decide on a retry. */
    private static final int ERROR_STATUS_MIN = 500;

    /**
     * The attempt broke off because the caller hung up and the gateway reset it: not BC's failure, so it is not a
     * {@link BcFailureException} and the circuit breaker counts it as a success.
     */
    private static final class CallerGoneException extends RuntimeException {
        CallerGoneException(Throwable cause) {
            super("the caller hung up", cause, false, false);
        }
    }

    /** BC's answer to one attempt; {@code body} is set when it was read whole (error answers). */
    private record Answer(HttpClientResponse response, Buffer body) {
    }

    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Connection connection;
    private final String upstreamUri;
    private final RequestBody body;
    private final long readTimeoutMillis;
    private final RetryGate retryGate;
    private final Backoff backoff;
    private final Clock clock;
    private final Instant deadline;
    private final Context context;
    private HttpClientRequest upstreamRequest;
    /** BC's answer is being piped to the caller: the pipe, not this exchange, handles its failures meanwhile. */
    private boolean piping;
    private boolean upstreamFinished;
    /** The request's metrics and access log line are written once, whichever of end or close comes first. */
    private boolean accounted;
    private long started;
    private boolean accessLog;
    private Admission.Permit permit;
    private int attempts;
    private int retries;
    private boolean tokenReplayed;
    /** The caller hung up: a request still waiting for admission gives its slot back instead of using it. */
    private boolean callerGone;
    /** BC's correlation id for the answer relayed, for the access log. */
    private String bcRequestId;
    /** Why the gateway answered instead of BC (null: BC's answer was relayed), for the request metrics. */
    private Throwable failedWith;
    /** The authenticated caller's configured name (access log only). */
    private final String caller;
    /** The current upstream attempt's span (null while tracing is off), whose context goes to BC. */
    private Span attemptSpan;

    ProxyExchange(HttpServerRequest request, String caller, Connection connection, String upstreamUri,
            RequestBody body, long readTimeoutMillis, RetryGate retryGate, Backoff backoff, Clock clock,
            Duration budget) {
        this.request = request;
        this.caller = caller;
        this.response = request.response();
        this.connection = connection;
        this.upstreamUri = upstreamUri;
        this.body = body;
        this.readTimeoutMillis = readTimeoutMillis;
        this.retryGate = retryGate;
        this.backoff = backoff;
        this.clock = clock;
        this.deadline = clock.instant().plus(budget);
        this.context = Vertx.currentContext();
    }

    void start() {
        started = System.nanoTime();
        accessLog = AccessLog.enabled();
        // Vert.x also calls the end handler when the connection closes before the answer was complete, with
        // closed() already true: that answer never reached the caller whole, so it counts as status 0.
        response.endHandler(v -> account(response.closed() ? 0 : response.getStatusCode()));
        response.closeHandler(v -> {
            callerGone = true;
            abortUpstream();
            account(0); // status 0: the answer never completed (the caller hung up)
        });
        connection.retryBudget().recordRequest();
        if (body.isBuffered()) {
            onContext(body.read(request), ar -> {
                if (ar.failed()) {
                    fail(ar.cause());
                } else {
                    admit();
                }
            });
        } else {
            admit();
        }
    }

    private void account(int status) {
        if (accounted) {
            return;
        }
        accounted = true;
        connection.metrics().requestEnded(request.method(), status, failedWith, started, request.bytesRead(),
                response.bytesWritten());
        if (accessLog) {
            AccessLog.log(request.method().name(), connection.name(), request.path(), status, started, attempts,
                    bcRequestId, caller);
        }
    }

    /** Waits for a running slot of the least loaded principal, then for its token. */
    private void admit() {
        Principal principal = connection.pick();
        long waitStart = System.nanoTime();
        Span waitSpan = connection.metrics().spans().start("bc.admission", connection.name());
        onContext(principal.admission().acquire(deadline), admitted -> {
            connection.metrics().admissionWaited(principal, waitStart);
            Spans.end(waitSpan, admitted.cause());
            if (admitted.failed()) {
                connection.metrics().gatewayThrottled(principal);
                fail(admitted.cause());
                return;
            }
            permit = admitted.result();
            if (callerGone) {
                releasePermit();
                return;
            }
            Span tokenSpan = connection.metrics().spans().start("bc.token", connection.name());
            onContext(principal.tokens().token(), token -> {
                Spans.end(tokenSpan, token.cause());
                if (token.failed()) {
                    fail(token.cause());
                } else {
                    attempt(principal, token.result());
                }
            });
        });
    }

    private void attempt(Principal principal, AccessToken token) {
        attempts++;
        long sentAt = System.nanoTime();
        Span span = attemptSpan = connection.metrics().spans().startAttempt(connection.name(), attempts);
        connection.breaker().call(() -> send(token)).whenComplete((answer, error) -> onContext(
                error == null ? Future.succeededFuture(answer) : Future.failedFuture(unwrap(error)),
                ar -> {
                    connection.metrics().upstreamAttempt(sentAt, statusOf(ar));
                    Spans.end(span, statusOf(ar));
                    if (ar.succeeded()) {
                        onAnswer(principal, token, ar.result());
                    } else {
                        onFailure(ar.cause());
                    }
                }));
    }

    /** One request to BC. Completes exceptionally with {@link BcFailureException} for what the breaker counts. */
    private CompletionStage<Answer> send(AccessToken token) {
        CompletableFuture<Answer> outcome = new CompletableFuture<>();
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setURI(upstreamUri)
                // While the body is still going up, only BC's own ten-minute request limit applies; the read
                // timeout starts once the request is fully sent.
                .setIdleTimeout(UPLOAD_IDLE_TIMEOUT_MILLIS);
        connection.http().request(options).onComplete(ar -> {
            if (ar.failed()) {
                RetryPolicy.Outcome o = ar.cause() instanceof ConnectException ? RetryPolicy.Outcome.NOT_SENT
                        : RetryPolicy.Outcome.UNKNOWN;
                outcome.completeExceptionally(new BcFailureException(null, ar.cause(), o));
                return;
            }
            HttpClientRequest up = ar.result();
            upstreamRequest = up;
            upstreamFinished = false;
            HeaderFilter.copyRequestHeaders(request.headers(), up.headers());
            connection.metrics().spans().inject(attemptSpan, up.headers());
            up.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token.value());
            up.response().onComplete(res -> {
                if (res.failed()) {
                    outcome.completeExceptionally(transportFailure(res.cause()));
                } else {
                    classify(res.result(), outcome);
                }
            });
            Future<Void> sent;
            if (body.isBuffered()) {
                up.headers().remove(HttpHeaders.TRANSFER_ENCODING);
                sent = body.content().length() == 0 && !body.declaresLength() ? up.end() : up.end(body.content());
            } else {
                if (HttpHeaders.CONTINUE.toString().equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
                    response.writeContinue();
                }
                if (!request.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
                    up.setChunked(true);
                }
                sent = request.pipeTo(up);
            }
            sent.onComplete(done -> {
                if (done.succeeded()) {
                    up.idleTimeout(readTimeoutMillis);
                } else {
                    outcome.completeExceptionally(transportFailure(done.cause()));
                }
            });
        });
        return outcome;
    }

    /** A broken exchange with BC, unless it broke because the caller left (then the gateway reset it). */
    private RuntimeException transportFailure(Throwable cause) {
        return callerGone ? new CallerGoneException(cause)
                : new BcFailureException(null, cause, RetryPolicy.Outcome.UNKNOWN);
    }

    /** Reads error answers whole (they decide retries); passes everything else on unread, to be streamed. */
    private void classify(HttpClientResponse upstream, CompletableFuture<Answer> outcome) {
        int status = upstream.statusCode();
        if (status != 429 && status < ERROR_STATUS_MIN) {
            // Held until the exchange decides what to do with it (the breaker may complete later, elsewhere):
            // the pipe to the caller resumes it, so no chunk is lost.
            upstream.pause();
            outcome.complete(new Answer(upstream, null));
            return;
        }
        upstream.body().onComplete(read -> {
            if (read.failed()) {
                outcome.completeExceptionally(transportFailure(read.cause()));
                return;
            }
            upstreamFinished = true;
            Answer answer = new Answer(upstream, read.result());
            RetryPolicy.Outcome o = RetryPolicy.ofStatus(status, bcErrorCode(read.result()));
            if (status >= ERROR_STATUS_MIN && o != RetryPolicy.Outcome.NOT_EXECUTED) {
                outcome.completeExceptionally(new BcFailureException(answer, null, o));
            } else {
                outcome.complete(answer);
            }
        });
    }

    private void onAnswer(Principal principal, AccessToken token, Answer answer) {
        int status = answer.response().statusCode();
        if (status == 401 && !tokenReplayed && body.isBuffered()) {
            // BC refused the token (revoked, or rotated keys): one fresh token, one replay, keeping the slot.
            // A second 401 is the caller's to see.
            tokenReplayed = true;
            upstreamRequest = null;
            connection.metrics().retried(ConnectionMetrics.RetryReason.TOKEN_REJECTED);
            Future<Buffer> drained = answer.response().body();
            answer.response().resume();
            drained.onComplete(ignored -> onContext(principal.tokens().tokenAfterRejection(token),
                    ar -> {
                        if (ar.failed()) {
                            fail(ar.cause());
                        } else {
                            attempt(principal, ar.result());
                        }
                    }));
            return;
        }
        RetryPolicy.Outcome outcome = answer.body() == null ? RetryPolicy.Outcome.FINAL
                : RetryPolicy.ofStatus(status, bcErrorCode(answer.body()));
        if (outcome == RetryPolicy.Outcome.NOT_EXECUTED) {
            // BC is throttling this principal: everyone queued for it waits, not only this request.
            connection.metrics().bcThrottled(principal, status, answer.response().getHeader(HttpHeaders.RETRY_AFTER));
            Optional<Duration> told = RetryAfter.parse(answer.response().getHeader(HttpHeaders.RETRY_AFTER), clock);
            Duration pause = told.orElseGet(() -> backoff.delay(retries + 1));
            if (retryGate.honours(pause)) {
                principal.admission().pauseUntil(clock.instant().plus(pause));
            }
            retryOrElse(outcome, pause, true, () -> relay(answer));
            return;
        }
        relay(answer);
    }

    private void onFailure(Throwable failure) {
        if (callerGone) {
            fail(failure); // nobody left to answer or to retry for
            return;
        }
        if (failure instanceof BcFailureException f) {
            Answer answer = (Answer) f.result();
            Duration wait = answer == null ? backoff.delay(retries + 1)
                    : RetryAfter.parse(answer.response().getHeader(HttpHeaders.RETRY_AFTER), clock)
                            .orElseGet(() -> backoff.delay(retries + 1));
            retryOrElse(f.outcome(), wait, false, () -> {
                if (answer != null) {
                    relay(answer);
                } else {
                    fail(f.getCause());
                }
            });
            return;
        }
        fail(failure);
    }

    /**
     * Retries when the policy, the body, the attempt limit, the retry budget and the caller's deadline all allow;
     * otherwise {@code giveUp}. After a throttling answer the principal is already paused, so the retry simply
     * queues again for admission; otherwise it waits {@code wait} first.
     */
    private void retryOrElse(RetryPolicy.Outcome outcome, Duration wait, boolean paused, Runnable giveUp) {
        boolean replayable = body.isBuffered() || outcome == RetryPolicy.Outcome.NOT_SENT;
        boolean allowed = replayable && retryGate.allows(outcome, request.method(),
                request.getHeader(HttpHeaders.IF_MATCH), attempts, wait, deadline, connection.retryBudget());
        if (!allowed) {
            giveUp.run();
            return;
        }
        retries++;
        connection.metrics().retried(ConnectionMetrics.RetryReason.of(outcome));
        releasePermit();
        upstreamRequest = null;
        if (paused || wait.isZero()) {
            admit();
        } else {
            context.owner().setTimer(Math.max(1, wait.toMillis()), id -> admit());
        }
    }

    private void relay(Answer answer) {
        HttpClientResponse upstream = answer.response();
        bcRequestId = upstream.getHeader("request-id");
        if (response.closed()) {
            abortUpstream();
            releasePermit();
            return;
        }
        int status = upstream.statusCode();
        if (status >= 400) {
            connection.metrics().bcError(status, answer.body() == null ? null : bcErrorCode(answer.body()), bcRequestId);
        }
        response.setStatusCode(status);
        if (upstream.statusMessage() != null) {
            response.setStatusMessage(upstream.statusMessage());
        }
        HeaderFilter.copyResponseHeaders(upstream.headers(), response.headers());
        if (answer.body() != null) {
            response.headers().remove(HttpHeaders.CONTENT_LENGTH);
            response.end(answer.body());
            releasePermit();
            return;
        }
        NextLinkRewriter rewriter = shouldRewriteLinks(upstream) ? nextLinkRewriter() : null;
        if (rewriter != null) {
            response.headers().remove(HttpHeaders.CONTENT_LENGTH); // a rewritten link changes the length
        }
        boolean bodyless = status == 204 || status == 304 || request.method() == HttpMethod.HEAD;
        if (!bodyless && !response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            response.setChunked(true);
        }
        piping = true;
        upstream.pipeTo(new CallerBodyStream(response, rewriter)).onComplete(this::relayed);
    }

    /** Points BC's {@code @odata.nextLink}s at this gateway, as the caller reached it. */
    private NextLinkRewriter nextLinkRewriter() {
        String gatewayPrefix = GatewayUrl.base(request) + "/bc/" + connection.name() + "/";
        return new NextLinkRewriter(link -> link.indexOf('\\') >= 0 ? null
                : connection.endpoint().restOf(link).map(rest -> gatewayPrefix + rest).orElse(null));
    }

    private void relayed(AsyncResult<Void> result) {
        piping = false;
        releasePermit();
        if (result.succeeded()) {
            upstreamFinished = true;
        } else {
            brokenMidBody();
        }
    }

    /** Only successful JSON answers to reads carry {@code @odata.nextLink}s worth rewriting. */
    private boolean shouldRewriteLinks(HttpClientResponse upstream) {
        if (upstream.statusCode() != 200 || request.method() != HttpMethod.GET
                || upstream.headers().contains(HttpHeaders.CONTENT_ENCODING)) {
            return false; // a compressed body is passed on untouched
        }
        String type = upstream.getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, "application/json", 0, "application/json".length());
    }

    private void fail(Throwable failure) {
        failedWith = failure;
        releasePermit();
        abortUpstream();
        if (callerGone) {
            return;
        }
        if (response.headWritten()) {
            brokenMidBody();
            return;
        }
        request.resume();
        UpstreamFailures.toProblem(connection, failure).send(response);
    }

    /**
     * The answer had begun when the exchange broke: the caller must not mistake a cut-off body for a whole one,
     * so the connection is reset rather than the body ended.
     */
    private void brokenMidBody() {
        abortUpstream();
        if (!response.ended()) {
            response.reset();
            // A reset marks the response closed at once: Vert.x then calls neither the end nor the close handler.
            account(0);
        }
    }

    private void releasePermit() {
        Admission.Permit p = permit;
        permit = null;
        if (p != null) {
            p.release();
        }
    }

    private void abortUpstream() {
        HttpClientRequest up = upstreamRequest;
        if (up != null && !upstreamFinished) {
            upstreamFinished = true;
            HttpClientResponse answer = up.response().result(); // null until BC's answer has begun
            if (answer != null && !piping) {
                try {
                    // The reset is the gateway's own doing and nobody is left to hear of it; without a handler
                    // Vert.x logs it as an ERROR ("Stream reset") for every caller that hangs up.
                    answer.exceptionHandler(ignored -> {
                    });
                } catch (IllegalStateException ended) {
                    return; // BC's answer had come in whole: nothing to break off, and the connection stays pooled
                }
            }
            up.reset();
        }
    }

    /** {@code error.code} of a BC error body, or null. */
    private static String bcErrorCode(Buffer body) {
        try {
            JsonObject error = new JsonObject(body).getJsonObject("error");
            return error == null ? null : error.getString("code");
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    /** BC's status for an attempt; 0 when BC never answered, -1 when nothing was sent (open circuit). */
    private static int statusOf(AsyncResult<Answer> ar) {
        if (ar.succeeded()) {
            return ar.result().response().statusCode();
        }
        if (ar.cause() instanceof BcFailureException f) {
            return f.result() instanceof Answer a ? a.response().statusCode() : 0;
        }
        return -1;
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private <T> void onContext(Future<T> future, Handler<AsyncResult<T>> handler) {
        ContextHop.onContext(context, future, handler);
    }
}
