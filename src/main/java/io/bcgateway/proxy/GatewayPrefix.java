package io.bcgateway.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.bcgateway.connection.BcEndpoint;
import io.vertx.core.http.HttpServerRequest;

/**
 * A connection's address at the gateway as the caller reached it ({@code https://gw.example/bc/contoso/}): what
 * BC's addresses in an answer become, in its headers ({@link BcAddresses}) and its body ({@link BcLinkRewriter}).
 *
 * <p>Every JSON answer needs it, and nearly every request of a connection comes with the same base, so the last one
 * made is kept per connection, together with the bytes the body's rewriter searches for and writes. Made per
 * request, the string, its bytes and BC's address as bytes were ~0.3 KB of allocation each (issue #15).
 */
final class GatewayPrefix {

    /** What a connection's answers are rewritten with, for one gateway base. The arrays are never written to. */
    record Made(BcEndpoint endpoint, String base, String prefix, byte[] prefixBytes, AnchorSearch anchor,
            byte[] environment) {

        BcLinkRewriter rewriter() {
            return new BcLinkRewriter(anchor, environment, prefixBytes);
        }
    }

    /** By connection name. */
    private static final ConcurrentMap<String, Made> LAST = new ConcurrentHashMap<>();

    private GatewayPrefix() {
    }

    static Made of(HttpServerRequest request, String connection, BcEndpoint endpoint) {
        String base = GatewayUrl.base(request);
        Made made = LAST.get(connection);
        if (made != null && made.endpoint() == endpoint && made.base().equals(base)) {
            return made;
        }
        String prefix = base + "/bc/" + connection + "/";
        String environment = endpoint.environment().orElse(null);
        made = new Made(endpoint, base, prefix, prefix.getBytes(StandardCharsets.UTF_8),
                new AnchorSearch(BcLinkRewriter.anchor(endpoint.linkBase())),
                environment == null ? null : environment.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        LAST.put(connection, made);
        return made;
    }
}
