package io.bcgateway.proxy;

import java.time.Duration;
import java.time.Instant;

import io.bcgateway.connection.Connection;
import io.bcgateway.gate.AnswerTap;
import io.bcgateway.problem.Problem;
import io.bcgateway.upstream.Body;
import io.bcgateway.upstream.Delivery;
import io.bcgateway.upstream.UpstreamAnswer;
import io.bcgateway.upstream.UpstreamCall;
import io.bcgateway.upstream.UpstreamEngine;
import io.bcgateway.upstream.UpstreamExchange;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.WriteStream;

/**
 * One caller request on its way through the gateway: its body, the {@link UpstreamEngine}'s call (admission,
 * token, breaker, retries), and BC's answer streamed back, or the gateway's problem when none came.
 *
 * <p>Bodies up to the replay limit are read into memory first so the request can be sent again (after a 401 with
 * a fresh token, or a retry per {@link io.bcgateway.resilience.RetryPolicy}); larger bodies are piped straight to
 * Business Central and only re-sent when the connection could not even be opened. Every callback runs on the
 * caller's event loop.
 */
final class ProxyExchange implements UpstreamExchange {

    private final HttpServerRequest request;
    /** Read once for the call and the relay: each read goes through Quarkus' request wrappers (~0.1 µs). */
    private final HttpMethod method;
    private final HttpServerResponse response;
    private final Connection connection;
    private final String upstreamUri;
    private final RequestBody body;
    private final UpstreamEngine engine;
    private final Instant deadline;
    private final Context context;
    private UpstreamCall call;
    /** The request's metrics and access log line are written once, whichever of end or close comes first. */
    private boolean accounted;
    private long started;
    private boolean accessLog;
    /** BC's correlation id for the answer relayed, for the access log. */
    private String bcRequestId;
    /** Why the gateway answered instead of BC (null: BC's answer was relayed), for the request metrics. */
    private Throwable failedWith;
    /** The authenticated caller's configured name (access log only). */
    private final String caller;
    /** Who else sees the answer (idempotency record, coalesced waiters, read-your-writes), or null: see {@code gate}. */
    private final AnswerTap tap;

    ProxyExchange(HttpServerRequest request, String caller, Connection connection, String upstreamUri,
            RequestBody body, UpstreamEngine engine, Duration budget, AnswerTap tap) {
        this.tap = tap;
        this.request = request;
        this.method = request.method();
        this.caller = caller;
        this.response = request.response();
        this.connection = connection;
        this.upstreamUri = upstreamUri;
        this.body = body;
        this.engine = engine;
        this.deadline = engine.deadline(budget);
        this.context = Vertx.currentContext();
    }

    void start() {
        started = System.nanoTime();
        accessLog = AccessLog.enabled();
        // Whichever handler comes first accounts for the request. ended() (the whole answer was handed to the
        // connection), not closed(), tells a delivered answer from a broken one: an HTTP/2 stream closes as the
        // normal end of every exchange, from inside end() itself, so Vert.x calls the close handler first and the
        // end handler after it, both with closed() true. Vert.x calls the end handler on a close as well, but
        // only for an answer that had not ended.
        response.endHandler(v -> accountAnswer());
        response.closeHandler(v -> {
            if (!response.ended()) {
                UpstreamCall c = call;
                if (c != null) {
                    c.cancel(); // the caller hung up: a request still queued gives its slot back; one under way is reset
                }
            }
            accountAnswer();
        });
        if (body.isBuffered()) {
            ContextHop.onContext(context, body.read(request), ar -> {
                if (ar.failed()) {
                    onFailure(ar.cause());
                } else if (!response.closed()) {
                    send(Body.of(body.content(), body.declaresLength()));
                }
            });
        } else {
            send(Body.of(request, body.declaredLength()));
        }
    }

    /** The answer's status once it went out whole; 0 when it never completed (the caller hung up). */
    private void accountAnswer() {
        account(response.ended() ? response.getStatusCode() : 0);
    }

    private void send(Body upstreamBody) {
        call = engine.call(context, connection, this, upstreamBody, Delivery.STREAMED, deadline);
        call.start();
    }

    private void account(int status) {
        if (accounted) {
            return;
        }
        accounted = true;
        if (tap != null) {
            tap.ended(status, call == null ? 0 : call.attempts());
        }
        connection.metrics().requestEnded(method, status, failedWith, started, request.bytesRead(),
                response.bytesWritten());
        if (accessLog) {
            AccessLog.log(method.name(), connection.name(), request.path(), status, started,
                    call == null ? 0 : call.attempts(), bcRequestId, caller);
        }
    }

    @Override
    public HttpMethod method() {
        return method;
    }

    @Override
    public String uri() {
        return upstreamUri;
    }

    @Override
    public String ifMatch() {
        return request.getHeader(HttpHeaders.IF_MATCH);
    }

    @Override
    public void prepare(HttpClientRequest upstream) {
        HeaderFilter.copyRequestHeaders(request.headers(), upstream.headers());
        if (!body.isBuffered()
                && HttpHeaders.CONTINUE.toString().equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            response.writeContinue();
        }
    }

    @Override
    public void onAnswer(UpstreamCall call, UpstreamAnswer answer) {
        relay(call, answer);
    }

    private void relay(UpstreamCall call, UpstreamAnswer answer) {
        HttpClientResponse upstream = answer.response();
        bcRequestId = upstream.getHeader("request-id");
        if (response.closed()) {
            call.cancel();
            return;
        }
        int status = upstream.statusCode();
        response.setStatusCode(status);
        String reason = upstream.statusMessage();
        // Only a reason phrase of BC's own is set: setting the standard one ("OK") would make Vert.x build and encode
        // a status object per answer for the same bytes it writes anyway.
        if (reason != null && !reason.equals(HttpResponseStatus.valueOf(status).reasonPhrase())) {
            response.setStatusMessage(reason);
        }
        HeaderFilter.copyResponseHeaders(upstream.headers(), response.headers());
        BcAddresses.rewriteHeaders(response.headers(), connection.endpoint(), () -> gatewayPrefix().prefix());
        if (answer.body() != null) {
            response.headers().remove(HttpHeaders.CONTENT_LENGTH);
            if (tap != null) {
                tap.whole(response, answer.body());
            }
            response.end(answer.body());
            return;
        }
        BcLinkRewriter rewriter = shouldRewriteLinks(upstream) ? gatewayPrefix().rewriter() : null;
        if (rewriter != null) {
            response.headers().remove(HttpHeaders.CONTENT_LENGTH); // a rewritten link changes the length
        }
        boolean bodyless = status == 204 || status == 304 || method == HttpMethod.HEAD;
        if (!bodyless && !response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            response.setChunked(true);
        }
        WriteStream<Buffer> toCaller = new CallerBodyStream(response, rewriter);
        call.relay(tap == null ? toCaller : tap.streamed(response, toCaller, rewriter == null ? null : this::rewritten));
    }

    /** A whole body as the caller gets it through {@link BcLinkRewriter} (for the {@link AnswerTap}'s copy). */
    private Buffer rewritten(Buffer whole) {
        BcLinkRewriter rewriter = gatewayPrefix().rewriter();
        Buffer out = rewriter.process(whole);
        Buffer rest = rewriter.finish();
        return rest == null || rest.length() == 0 ? out : out.copy().appendBuffer(rest);
    }

    /** This connection's address at the gateway, as the caller reached it, for BC's addresses in an answer. */
    private GatewayPrefix.Made gatewayPrefix() {
        return GatewayPrefix.of(request, connection.name(), connection.endpoint());
    }

    @Override
    public void onRelayEnded(boolean complete) {
        if (!complete) {
            brokenMidBody();
        }
    }

    /**
     * Successful JSON answers carry BC's addresses ({@code @odata.context}, {@code @odata.nextLink}, and with
     * {@code odata.metadata=full} {@code @odata.id}, {@code @odata.editLink} ...): reads, creates, updates, batches.
     */
    private boolean shouldRewriteLinks(HttpClientResponse upstream) {
        int status = upstream.statusCode();
        if (status < 200 || status > 299 || method == HttpMethod.HEAD
                || upstream.headers().contains(HttpHeaders.CONTENT_ENCODING)) {
            return false; // a compressed body is passed on untouched
        }
        String type = upstream.getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, "application/json", 0, "application/json".length());
    }

    @Override
    public void onFailure(Throwable failure) {
        failedWith = failure;
        if (response.closed()) {
            return;
        }
        if (response.headWritten()) {
            brokenMidBody();
            return;
        }
        request.resume();
        Problem problem = UpstreamFailures.toProblem(connection, failure);
        if (tap != null) {
            tap.failed(failure, problem);
        }
        problem.send(response);
    }

    /**
     * The answer had begun when the exchange broke: the caller must not mistake a cut-off body for a whole one,
     * so the connection is reset rather than the body ended.
     */
    private void brokenMidBody() {
        if (!response.ended()) {
            response.reset();
            // A reset marks the response closed at once: Vert.x then calls neither the end nor the close handler.
            account(0);
        }
    }
}
