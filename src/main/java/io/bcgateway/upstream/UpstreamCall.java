package io.bcgateway.upstream;

import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import io.bcgateway.connection.Connection;
import io.bcgateway.connection.Principal;
import io.bcgateway.metrics.ConnectionMetrics;
import io.bcgateway.metrics.Spans;
import io.bcgateway.proxy.ContextHop;
import io.bcgateway.resilience.BcFailureException;
import io.bcgateway.resilience.RetryAfter;
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
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.WriteStream;

/**
 * One call to Business Central, from admission to BC's final answer. The stages, in their fixed order (as SmallRye
 * Fault Tolerance's {@code Guard} orders its strategies, retry outermost):
 *
 * <ol>
 * <li><b>retry</b> ({@link #retryOrElse}): around everything below; after a failed attempt the call goes back to
 * admission, at once after BC's throttling (the principal is paused instead), else after back-off;</li>
 * <li><b>admission</b> ({@link #admit}): a running slot of the least loaded principal before the deadline;</li>
 * <li><b>token</b> ({@link #tokenReady}): that principal's token (one fresh token and one replay after a 401);</li>
 * <li><b>breaker</b> ({@link #attempt}): the connection's circuit breaker around one send;</li>
 * <li><b>send</b> ({@link #get}): the one place that sends, and reads what must be read to decide
 * ({@link #classify}).</li>
 * </ol>
 *
 * <p>What is retried (see {@link RetryPolicy}): 429 and BC's throttling 503 for every method (BC did not execute
 * them), honouring {@code Retry-After} by pausing the principal; a connection that could not be opened for every
 * method; other 5xx, timeouts and resets only for idempotent methods and only with a {@linkplain Body#replayable()
 * replayable} body; all within the attempt limit, the connection's retry budget and the caller's deadline. What the
 * breaker counts as a failure: {@link BcFailureException}, i.e. 5xx (except throttling), timeouts and transport
 * failures; 4xx, 429 and throttling are healthy BC behaviour.
 *
 * <p>The call is a small state machine rather than a chain of callbacks: it is its own continuation for every stage
 * ({@link #handle}), its own attempt for the breaker ({@link #get}) and its own completion handler
 * ({@link #accept}), so the hot path allocates no lambdas of its own. Every stage runs on the call's context.
 */
public final class UpstreamCall
        implements Handler<AsyncResult<Object>>, Supplier<CompletionStage<Object>>, BiConsumer<Object, Throwable> {

    /** While the body is still going up, only BC's own ten-minute request limit applies (bc-facts: request time). */
    private static final long UPLOAD_IDLE_TIMEOUT_MILLIS = 10 * 60 * 1000;

    /** What {@link #handle} is waiting for. */
    private static final byte ADMISSION = 1;
    private static final byte TOKEN = 2;
    private static final byte REJECTED_ANSWER_DRAINED = 3;
    private static final byte FRESH_TOKEN = 4;
    private static final byte RELAY = 5;

    /**
     * The attempt broke off because the call was {@linkplain #cancel() cancelled} (the caller hung up and the
     * gateway reset the exchange): not BC's failure, so it is not a {@link BcFailureException} and the breaker
     * counts it as a success.
     */
    public static final class CancelledException extends RuntimeException {
        CancelledException(Throwable cause) {
            super("the caller hung up", cause, false, false);
        }
    }

    private final UpstreamEngine engine;
    private final Context context;
    private final Connection connection;
    private final UpstreamExchange exchange;
    private final Body body;
    private final Delivery delivery;
    private final Instant deadline;

    private byte awaiting;
    private Principal principal;
    private Admission.Permit permit;
    /** The current permit's request reached BC: its release counts in the principal's window. */
    private boolean reachedBc;
    private AccessToken token;
    private int attempts;
    private int retries;
    private boolean tokenReplayed;
    private boolean cancelled;
    private long waitStart;
    private long sentAt;
    private Span stageSpan;
    private Span attemptSpan;
    private HttpClientRequest upstreamRequest;
    private boolean upstreamFinished;
    /** BC's answer is being piped on: the pipe, not this call, handles its failures meanwhile. */
    private boolean piping;
    /** The final answer while it is streamed (its slot is held until the pipe ends). */
    private UpstreamAnswer streaming;
    private Object attemptResult;
    private Throwable attemptError;

    UpstreamCall(UpstreamEngine engine, Context context, Connection connection, UpstreamExchange exchange, Body body,
            Delivery delivery, Instant deadline) {
        this.engine = engine;
        this.context = context;
        this.connection = connection;
        this.exchange = exchange;
        this.body = body;
        this.delivery = delivery;
        this.deadline = deadline;
    }

    /** Attempts sent to BC so far (for the access log). */
    public int attempts() {
        return attempts;
    }

    /** Counts one request in the connection's retry budget (retries are counted as they happen) and admits it. */
    public void start() {
        connection.retryBudget().recordRequest();
        admit();
    }

    /**
     * Nobody waits for the answer any more (the caller hung up): a call still queued gives its slot back without
     * counting in the window, an exchange under way is reset, a streamed answer is broken off. The exchange hears
     * nothing more, except {@link UpstreamExchange#onRelayEnded} when a relay was under way.
     */
    public void cancel() {
        cancelled = true;
        abortUpstream();
        if (streaming != null && !piping) {
            streaming = null;
            releasePermit();
        }
    }

    /** Pipes the streamed final answer to {@code destination}, with back-pressure; the slot is held until its end. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void relay(WriteStream<Buffer> destination) {
        piping = true;
        await(RELAY, (Future) streaming.response().pipeTo(destination));
    }

    // ---- stage: admission -------------------------------------------------------------------------------------

    private void admit() {
        if (cancelled) {
            return;
        }
        principal = connection.pick();
        waitStart = System.nanoTime();
        stageSpan = connection.metrics().spans().start("bc.admission", connection.name());
        await(ADMISSION, principal.admission().acquire(deadline));
    }

    private void admitted(AsyncResult<Object> admitted) {
        connection.metrics().admissionWaited(principal, waitStart);
        Spans.end(stageSpan, admitted.cause());
        if (admitted.failed()) {
            connection.metrics().gatewayThrottled(principal);
            fail(admitted.cause());
            return;
        }
        permit = (Admission.Permit) admitted.result();
        reachedBc = false;
        if (cancelled) {
            releasePermit();
            return;
        }
        stageSpan = connection.metrics().spans().start("bc.token", connection.name());
        await(TOKEN, principal.tokens().token());
    }

    // ---- stage: token -----------------------------------------------------------------------------------------

    private void tokenReady(AsyncResult<Object> ar) {
        Spans.end(stageSpan, ar.cause());
        stageSpan = null;
        if (ar.failed()) {
            fail(ar.cause());
            return;
        }
        token = (AccessToken) ar.result();
        attempt();
    }

    // ---- stage: breaker ---------------------------------------------------------------------------------------

    private void attempt() {
        if (cancelled) {
            fail(new CancelledException(null));
            return;
        }
        attempts++;
        sentAt = System.nanoTime();
        attemptSpan = connection.metrics().spans().startAttempt(connection.name(), attempts);
        attemptResult = null;
        attemptError = null;
        connection.breaker().run(this).whenComplete(this);
    }

    /**
     * The breaker's verdict on one attempt, on whatever thread completed it: back to the call's context. Through the
     * breaker, always as a task of its own, as SmallRye handed it back when it chose the event loop itself (see
     * UpstreamBreaker): the loop first finishes what it is reading.
     */
    @Override
    public void accept(Object result, Throwable error) {
        attemptResult = result;
        attemptError = error;
        if (Vertx.currentContext() == context && !connection.breaker().enabled()) {
            attempted();
        } else {
            context.runOnContext(v -> attempted());
        }
    }

    private void attempted() {
        Throwable error = attemptError;
        if (error instanceof CompletionException && error.getCause() != null) {
            error = error.getCause();
        }
        UpstreamAnswer answer = (UpstreamAnswer) attemptResult;
        // BC's status for the attempt; 0 when BC never answered, -1 when nothing was sent (open circuit).
        int status = answer != null ? answer.status()
                : error instanceof BcFailureException f ? (f.result() instanceof UpstreamAnswer a ? a.status() : 0)
                : -1;
        connection.metrics().upstreamAttempt(sentAt, status);
        Spans.end(attemptSpan, status);
        if (error == null) {
            onAnswer(answer);
        } else {
            onFailure(error);
        }
    }

    // ---- stage: send (the one place that sends) ---------------------------------------------------------------

    /** One request to BC. Completes exceptionally with {@link BcFailureException} for what the breaker counts. */
    @Override
    public CompletionStage<Object> get() {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        // A request that goes out at once (every GET) gets the read timeout from the start: one timer per attempt.
        // One whose body takes time to go up gets BC's request limit while it does, and the read timeout once it is
        // fully sent (below): a timer scheduled, cancelled and scheduled again, worth it only for such uploads.
        boolean atOnce = body.sentAtOnce();
        RequestOptions options = new RequestOptions()
                .setMethod(exchange.method())
                .setURI(exchange.uri())
                .setIdleTimeout(atOnce ? engine.readTimeoutMillis : UPLOAD_IDLE_TIMEOUT_MILLIS);
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
            reachedBc = true;
            exchange.prepare(up);
            connection.metrics().spans().inject(attemptSpan, up.headers());
            up.putHeader(HttpHeaders.AUTHORIZATION, token.authorization());
            up.response().onComplete(res -> {
                if (res.failed()) {
                    outcome.completeExceptionally(transportFailure(res.cause()));
                } else {
                    classify(res.result(), outcome);
                }
            });
            body.sendOn(up).onComplete(done -> {
                if (done.succeeded()) {
                    if (!atOnce) {
                        up.idleTimeout(engine.readTimeoutMillis);
                    }
                } else {
                    outcome.completeExceptionally(transportFailure(done.cause()));
                }
            });
        });
        return outcome;
    }

    /**
     * Reads what decides a retry (429 and 5xx: small JSON documents) or, buffered, everything; a streamed answer is
     * held paused until the exchange pipes it (the breaker may complete later, elsewhere), so no chunk is lost.
     */
    private void classify(HttpClientResponse upstream, CompletableFuture<Object> outcome) {
        int status = upstream.statusCode();
        if (delivery == Delivery.STREAMED && status != 429 && status < 500) {
            upstream.pause();
            outcome.complete(new UpstreamAnswer(upstream, null));
            return;
        }
        upstream.body().onComplete(read -> {
            if (read.failed()) {
                outcome.completeExceptionally(transportFailure(read.cause()));
                return;
            }
            upstreamFinished = true;
            UpstreamAnswer answer = new UpstreamAnswer(upstream, read.result());
            RetryPolicy.Outcome o = outcomeOf(answer);
            if (status >= 500 && o != RetryPolicy.Outcome.NOT_EXECUTED) {
                outcome.completeExceptionally(new BcFailureException(answer, null, o));
            } else {
                outcome.complete(answer);
            }
        });
    }

    /** A broken exchange with BC, unless it broke because the call was cancelled (then the gateway reset it). */
    private RuntimeException transportFailure(Throwable cause) {
        return cancelled ? new CancelledException(cause)
                : new BcFailureException(null, cause, RetryPolicy.Outcome.UNKNOWN);
    }

    // ---- BC's answer, and the retry decision ------------------------------------------------------------------

    private void onAnswer(UpstreamAnswer answer) {
        if (answer.status() == 401 && !tokenReplayed && body.replayable()) {
            // BC refused the token (revoked, or rotated keys): one fresh token, one replay, keeping the slot.
            // A second 401 is the caller's to see.
            tokenReplayed = true;
            upstreamRequest = null;
            connection.metrics().retried(ConnectionMetrics.RetryReason.TOKEN_REJECTED);
            if (answer.body() == null) {
                Future<Buffer> drained = answer.response().body();
                answer.response().resume();
                await(REJECTED_ANSWER_DRAINED, drained);
            } else {
                await(FRESH_TOKEN, principal.tokens().tokenAfterRejection(token));
            }
            return;
        }
        if (answer.body() != null && outcomeOf(answer) == RetryPolicy.Outcome.NOT_EXECUTED) {
            // BC is throttling this principal: everyone queued for it waits, not only this request.
            connection.metrics().bcThrottled(principal, answer.status(), answer.headers().get(HttpHeaders.RETRY_AFTER));
            Duration pause = retryAfterOr(answer);
            if (engine.retryGate.honours(pause)) {
                principal.admission().pauseUntil(engine.clock.instant().plus(pause));
            }
            retryOrElse(RetryPolicy.Outcome.NOT_EXECUTED, pause, true, answer, null);
            return;
        }
        deliver(answer);
    }

    private void onFailure(Throwable failure) {
        if (cancelled) {
            fail(failure); // nobody left to answer or to retry for
            return;
        }
        if (failure instanceof BcFailureException f) {
            UpstreamAnswer answer = (UpstreamAnswer) f.result();
            Duration wait = answer == null ? engine.backoff.delay(retries + 1) : retryAfterOr(answer);
            retryOrElse(f.outcome(), wait, false, answer, f.getCause());
            return;
        }
        fail(failure);
    }

    /**
     * Retries when the body, the policy, the attempt limit, the retry budget and the deadline all allow; otherwise
     * relays {@code answer} or, without one, fails with {@code cause}. After a throttling answer the principal is
     * already paused, so the retry simply queues again for admission; otherwise it waits {@code wait} first.
     */
    private void retryOrElse(RetryPolicy.Outcome outcome, Duration wait, boolean paused, UpstreamAnswer answer,
            Throwable cause) {
        boolean replayable = body.replayable() || outcome == RetryPolicy.Outcome.NOT_SENT;
        boolean allowed = replayable && engine.retryGate.allows(outcome, exchange.method(), exchange.ifMatch(),
                attempts, wait, deadline, connection.retryBudget());
        if (!allowed) {
            if (answer != null) {
                deliver(answer);
            } else {
                fail(cause);
            }
            return;
        }
        retries++;
        connection.metrics().retried(ConnectionMetrics.RetryReason.of(outcome));
        releasePermit();
        upstreamRequest = null;
        if (paused || wait.isZero()) {
            admit();
        } else {
            engine.timers.schedule(wait, this::afterBackoff);
        }
    }

    private void afterBackoff() {
        if (Vertx.currentContext() == context) {
            admit();
        } else {
            context.runOnContext(v -> admit());
        }
    }

    private Duration retryAfterOr(UpstreamAnswer answer) {
        return RetryAfter.parse(answer.headers().get(HttpHeaders.RETRY_AFTER), engine.clock)
                .orElseGet(() -> engine.backoff.delay(retries + 1));
    }

    /** Only a 503 needs its error code read: BC marks throttling and queue time-outs there. */
    private static RetryPolicy.Outcome outcomeOf(UpstreamAnswer answer) {
        int status = answer.status();
        return RetryPolicy.ofStatus(status, status == 503 ? answer.bcErrorCode() : null);
    }

    // ---- the end ----------------------------------------------------------------------------------------------

    /** BC's final answer goes to the exchange; read whole, its slot is free already. */
    private void deliver(UpstreamAnswer answer) {
        if (answer.status() >= 400) {
            connection.metrics().bcError(answer.status(), answer.bcErrorCode(), answer.headers().get("request-id"));
        }
        if (answer.body() != null) {
            releasePermit();
        } else {
            streaming = answer;
        }
        exchange.onAnswer(this, answer);
    }

    private void relayed(AsyncResult<Object> result) {
        piping = false;
        streaming = null;
        releasePermit();
        if (result.succeeded()) {
            upstreamFinished = true;
        } else {
            abortUpstream();
        }
        exchange.onRelayEnded(result.succeeded());
    }

    private void fail(Throwable failure) {
        releasePermit();
        abortUpstream();
        if (!cancelled) {
            exchange.onFailure(failure);
        }
    }

    private void releasePermit() {
        Admission.Permit p = permit;
        permit = null;
        if (p == null) {
            return;
        }
        if (reachedBc) {
            p.release();
        } else {
            p.releaseUnsent();
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

    // ---- continuations ----------------------------------------------------------------------------------------

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void await(byte stage, Future<?> future) {
        awaiting = stage;
        ContextHop.onContext(context, (Future) future, this);
    }

    /** The continuation of every stage that waits for a future, on the call's context. */
    @Override
    public void handle(AsyncResult<Object> ar) {
        switch (awaiting) {
            case ADMISSION -> admitted(ar);
            case TOKEN, FRESH_TOKEN -> tokenReady(ar);
            case REJECTED_ANSWER_DRAINED -> await(FRESH_TOKEN, principal.tokens().tokenAfterRejection(token));
            case RELAY -> relayed(ar);
            default -> throw new IllegalStateException("no stage awaits a result (" + awaiting + ")");
        }
    }
}
