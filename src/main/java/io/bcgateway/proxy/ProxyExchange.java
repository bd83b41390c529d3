package io.bcgateway.proxy;

import io.bcgateway.connection.Connection;
import io.bcgateway.problem.Problem;
import io.bcgateway.token.AccessToken;
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

/**
 * One caller request on its way through the gateway: token, upstream attempt(s), and the streamed answer.
 *
 * <p>Bodies up to the replay limit are read into memory first so that the request can be sent again after a 401
 * (one fresh token, one replay); larger bodies are piped straight to Business Central and never replayed. Every
 * callback runs on the caller's event loop.
 */
final class ProxyExchange {

    /** BC cancels any request after ten minutes (bc-facts: request time). */
    private static final long UPLOAD_IDLE_TIMEOUT_MILLIS = 10 * 60 * 1000;

    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Connection connection;
    private final String upstreamUri;
    private final RequestBody body;
    private final long readTimeoutMillis;
    private final Context context;
    private HttpClientRequest upstreamRequest;
    private boolean upstreamFinished;
    private int attempts;

    ProxyExchange(HttpServerRequest request, Connection connection, String upstreamUri, RequestBody body,
            long readTimeoutMillis) {
        this.request = request;
        this.response = request.response();
        this.connection = connection;
        this.upstreamUri = upstreamUri;
        this.body = body;
        this.readTimeoutMillis = readTimeoutMillis;
        this.context = Vertx.currentContext();
    }

    void start() {
        response.closeHandler(v -> abortUpstream());
        Future<AccessToken> token = connection.tokens().token();
        if (body.isBuffered()) {
            Future<Buffer> content = body.read(request);
            onContext(Future.all(token, content), ar -> {
                if (ar.failed()) {
                    fail(ar.cause());
                } else {
                    send(token.result());
                }
            });
        } else {
            onContext(token, ar -> {
                if (ar.failed()) {
                    fail(ar.cause());
                } else {
                    send(ar.result());
                }
            });
        }
    }

    private void send(AccessToken token) {
        attempts++;
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setURI(upstreamUri)
                // While the body is still going up, only BC's own ten-minute request limit applies; the read
                // timeout starts once the request is fully sent (see bodySent).
                .setIdleTimeout(UPLOAD_IDLE_TIMEOUT_MILLIS);
        connection.http().request(options).onComplete(ar -> {
            if (ar.failed()) {
                fail(ar.cause());
                return;
            }
            HttpClientRequest up = ar.result();
            upstreamRequest = up;
            HeaderFilter.copyRequestHeaders(request.headers(), up.headers());
            up.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token.value());
            up.response().onComplete(res -> {
                if (res.failed()) {
                    fail(res.cause());
                } else {
                    onUpstreamResponse(res.result(), token);
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
                    fail(done.cause());
                }
            });
        });
    }

    private void onUpstreamResponse(HttpClientResponse upstream, AccessToken token) {
        if (upstream.statusCode() == 401 && attempts == 1 && body.isBuffered()) {
            // BC refused the token (revoked, or rotated keys): one fresh token, one replay. A second 401 is the
            // caller's to see.
            upstreamRequest = null;
            upstream.body().onComplete(drained -> onContext(connection.tokens().tokenAfterRejection(token), ar -> {
                if (ar.failed()) {
                    fail(ar.cause());
                } else {
                    send(ar.result());
                }
            }));
            return;
        }
        relay(upstream);
    }

    private void relay(HttpClientResponse upstream) {
        if (response.closed()) {
            abortUpstream();
            return;
        }
        int status = upstream.statusCode();
        response.setStatusCode(status);
        if (upstream.statusMessage() != null) {
            response.setStatusMessage(upstream.statusMessage());
        }
        HeaderFilter.copyResponseHeaders(upstream.headers(), response.headers());
        boolean rewrite = shouldRewriteLinks(upstream);
        if (rewrite) {
            response.headers().remove(HttpHeaders.CONTENT_LENGTH);
        }
        boolean bodyless = status == 204 || status == 304 || request.method() == HttpMethod.HEAD;
        if (!bodyless && !response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            response.setChunked(true);
        }
        if (rewrite) {
            String gatewayPrefix = GatewayUrl.base(request) + "/bc/" + connection.name() + "/";
            NextLinkRewriter rewriter = new NextLinkRewriter(link -> link.indexOf('\\') >= 0 ? null
                    : connection.endpoint().restOf(link).map(rest -> gatewayPrefix + rest).orElse(null));
            upstream.pipeTo(new RewritingWriteStream(response, rewriter)).onComplete(this::relayed);
        } else {
            upstream.pipeTo(response).onComplete(this::relayed);
        }
    }

    private void relayed(AsyncResult<Void> result) {
        if (result.succeeded()) {
            upstreamFinished = true;
        } else {
            brokenMidBody();
        }
    }

    /** Only successful JSON answers to reads carry {@code @odata.nextLink}s worth rewriting. */
    private boolean shouldRewriteLinks(HttpClientResponse upstream) {
        if (upstream.statusCode() != 200 || request.method() != HttpMethod.GET) {
            return false;
        }
        String type = upstream.getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, "application/json", 0, "application/json".length());
    }

    private void fail(Throwable failure) {
        abortUpstream();
        if (response.headWritten()) {
            brokenMidBody();
            return;
        }
        Problem problem = UpstreamFailures.toProblem(connection.name(), failure);
        request.resume();
        problem.send(response);
    }

    /**
     * The answer had begun when the exchange broke: the caller must not mistake a cut-off body for a whole one,
     * so the connection is reset rather than the body ended.
     */
    private void brokenMidBody() {
        abortUpstream();
        if (!response.ended()) {
            response.reset();
        }
    }

    private void abortUpstream() {
        HttpClientRequest up = upstreamRequest;
        if (up != null && !upstreamFinished) {
            upstreamFinished = true;
            up.reset();
        }
    }

    private <T> void onContext(Future<T> future, Handler<AsyncResult<T>> handler) {
        if (future.isComplete()) {
            handler.handle(future);
            return;
        }
        future.onComplete(ar -> {
            if (Vertx.currentContext() == context) {
                handler.handle(ar);
            } else {
                context.runOnContext(v -> handler.handle(ar));
            }
        });
    }
}
