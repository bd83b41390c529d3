package io.bcgateway.proxy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.BiConsumer;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.bcgateway.problem.Problem;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Message framing (RFC 9112), checked before any route. A proxy that forwards a request whose end it reads
 * differently from the next hop invites request smuggling, so an ambiguous request is refused with 400 and its
 * connection closed (RFC 9112 section 6.3: the bytes after it cannot be trusted to start a request):
 * <ul>
 * <li>a Transfer-Encoding whose final coding is not {@code chunked}, or that applies {@code chunked} twice;</li>
 * <li>Transfer-Encoding in an HTTP/1.0 request, or together with Content-Length;</li>
 * <li>no Host, more than one Host, or a Host that lists several (RFC 9112 section 3.2);</li>
 * <li>a transfer coding other than {@code chunked} (for example {@code gzip, chunked}) is refused with 501: the
 * framing is clear, but the gateway would forward the body without the coding;</li>
 * <li>a chunked body that breaks off with a malformed chunk (a size that is not hex, for example): the HTTP
 * decoder fails the connection, and the caller gets a 400 problem before it closes instead of a bare close.</li>
 * </ul>
 * Netty's decoder itself refuses some of these first (Content-Length with Transfer-Encoding, {@code chunked}
 * not last while listed); its answer is a plain 400 without a body, before any gateway code runs.
 */
// Singleton, not application-scoped: injected without a client proxy, whose context look-up every call on the
// request path paid (issue #15).
@Singleton
public class MessageFramingGuard {

    /**
     * Connections whose framing was refused. Requests the decoder has already read behind the refused one
     * (pipelined, or smuggled in its body) are dropped, never routed: the close may come after they were queued.
     */
    private final Set<HttpConnection> refused =
            Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    void register(@Observes Router router) {
        // The check itself runs first of all in FrontRoute, before the request target is looked at: nothing of an
        // ambiguous request is used. Vert.x fails a request without a usable Host while routing it, before any handler runs; the failure
        // reaches failure handlers instead, first of all this one.
        router.route().order(Integer.MIN_VALUE).failureHandler(this::failed);
    }

    void failed(RoutingContext rc) {
        String problem = framingProblem(rc.request().version(), rc.request().headers());
        if (problem == null || rc.response().headWritten()) {
            rc.next();
            return;
        }
        refuse(rc, Problem.of(400, "bad-framing", "Ambiguous message framing", problem));
    }

    /** Whether the request may go on; when not, it has been answered (or its connection closed) here. */
    boolean passes(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        HttpConnection connection = request.connection();
        if (connection != null && refused.contains(connection)) {
            connection.close();
            return false;
        }
        String problem = framingProblem(request.version(), request.headers());
        if (problem != null) {
            refuse(rc, Problem.of(400, "bad-framing", "Ambiguous message framing", problem));
            return false;
        }
        if (!request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            return true; // the common case: a body framed by Content-Length, or none
        }
        String unknown = unsupportedCoding(request.headers());
        if (unknown != null) {
            refuse(rc, Problem.of(501, "transfer-coding-not-implemented", "Transfer coding not implemented",
                    "The gateway decodes no transfer coding but 'chunked', and Business Central receives the body"
                            + " without one; send the body without '" + unknown + "' (RFC 9112 section 6.1),"
                            + " or as Content-Encoding."));
            return false;
        }
        if (connection != null) {
            // The decoder reports a malformed chunk as a failure of the connection, which it then closes; answer
            // first, while the response can still be written. A later request on the connection replaces this.
            connection.exceptionHandler(failure -> {
                if (!request.isEnded() && !rc.response().headWritten()) {
                    refuse(rc, Problem.of(400, "bad-framing", "Ambiguous message framing",
                            "The chunked request body is malformed (RFC 9112 section 7.1): "
                                    + failure.getClass().getSimpleName()
                                    + (failure.getMessage() == null ? "" : ": " + failure.getMessage())));
                }
            });
        }
        return true;
    }

    private void refuse(RoutingContext rc, Problem problem) {
        HttpServerRequest request = rc.request();
        HttpConnection connection = request.connection();
        if (connection != null) {
            refused.add(connection);
            rc.response().putHeader("Connection", "close")
                    .bodyEndHandler(written -> connection.close());
        }
        problem.send(rc.response());
    }

    /** Why the request's framing is ambiguous, or null when it is not. HTTP/2 frames bodies itself. */
    static String framingProblem(HttpVersion version, MultiMap headers) {
        if (version != HttpVersion.HTTP_1_0 && version != HttpVersion.HTTP_1_1) {
            return null;
        }
        FramingHeaders seen = new FramingHeaders();
        headers.forEach(seen);
        if (seen.hosts == 0) {
            return "The request has no Host header; every HTTP/1.1 request must carry one (RFC 9112 section 3.2).";
        }
        if (seen.hosts > 1 || seen.host.indexOf(',') >= 0) {
            return "The request carries more than one Host (RFC 9112 section 3.2): which one it is meant for is"
                    + " ambiguous.";
        }
        if (!seen.transferEncoding) {
            return null;
        }
        if (version == HttpVersion.HTTP_1_0) {
            return "Transfer-Encoding is not defined for HTTP/1.0 (RFC 9112 section 6.1); send Content-Length.";
        }
        if (seen.contentLength) {
            return "The request carries both Transfer-Encoding and Content-Length (RFC 9112 section 6.1): its"
                    + " length is ambiguous.";
        }
        List<String> codings = codings(headers.getAll("Transfer-Encoding"));
        long chunked = codings.stream().filter("chunked"::equals).count();
        if (codings.isEmpty() || !"chunked".equals(codings.get(codings.size() - 1)) || chunked > 1) {
            return "Transfer-Encoding '" + String.join(", ", codings) + "' does not end with a single 'chunked'"
                    + " (RFC 9112 section 6.3): the end of the request body cannot be determined.";
        }
        return null;
    }

    /**
     * The framing headers of a request, read in one pass over its headers: {@code getAll("Host")} built a list per
     * request to count one line, and Transfer-Encoding and Content-Length were two more look-ups (issue #15). Vert.x'
     * server-side header map hands {@code forEach} its entries without wrapping each one. Names compare as
     * {@code MultiMap}'s own look-ups do, ignoring ASCII case only.
     */
    private static final class FramingHeaders implements BiConsumer<String, String> {
        int hosts;
        String host;
        boolean transferEncoding;
        boolean contentLength;

        @Override
        public void accept(String name, String value) {
            switch (name.length()) {
                case 4 -> {
                    if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaders.HOST)) {
                        if (hosts++ == 0) {
                            host = value;
                        }
                    }
                }
                case 17 -> transferEncoding |= AsciiString.contentEqualsIgnoreCase(name, HttpHeaders.TRANSFER_ENCODING);
                case 14 -> contentLength |= AsciiString.contentEqualsIgnoreCase(name, HttpHeaders.CONTENT_LENGTH);
                default -> {
                }
            }
        }
    }

    /**
     * A transfer coding other than {@code chunked}, or null. The header is hop-by-hop: the gateway would strip it
     * and hand BC a body still in a coding BC is not told about, so such a request is refused (501, RFC 9112
     * section 6.1) rather than forwarded corrupted.
     */
    static String unsupportedCoding(MultiMap headers) {
        return codings(headers.getAll("Transfer-Encoding")).stream().filter(c -> !"chunked".equals(c)).findFirst()
                .orElse(null);
    }

    /** The transfer codings in order, lower case, parameters dropped, over every Transfer-Encoding line. */
    private static List<String> codings(List<String> headerValues) {
        List<String> codings = new ArrayList<>();
        for (String value : headerValues) {
            for (String part : value.split(",")) {
                String coding = part.strip();
                int parameters = coding.indexOf(';');
                if (parameters >= 0) {
                    coding = coding.substring(0, parameters).strip();
                }
                if (!coding.isEmpty()) {
                    codings.add(coding.toLowerCase(Locale.ROOT));
                }
            }
        }
        return codings;
    }
}
