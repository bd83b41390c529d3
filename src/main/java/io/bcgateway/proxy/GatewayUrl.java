package io.bcgateway.proxy;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;

/**
 * The gateway's own base URL as the caller sees it, for links the gateway writes into answers. Honours
 * {@code X-Forwarded-Proto}, {@code X-Forwarded-Host} and {@code X-Forwarded-Prefix} from a reverse proxy in
 * front of the gateway. Values that are not plainly a scheme, a host[:port] or a path are ignored, so a header
 * cannot inject anything into the JSON the link is written into.
 */
public final class GatewayUrl {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]{1,253}(:\\d{1,5})?|\\[[0-9A-Fa-f:.]{2,45}](:\\d{1,5})?");
    private static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9._~\\-]{1,64}){1,8}");

    /** Header names made once: a look-up by one keeps its case-insensitive hash instead of working it out again. */
    private static final CharSequence X_FORWARDED_PROTO = HttpHeaders.createOptimized("X-Forwarded-Proto");
    private static final CharSequence X_FORWARDED_HOST = HttpHeaders.createOptimized("X-Forwarded-Host");
    private static final CharSequence X_FORWARDED_PREFIX = HttpHeaders.createOptimized("X-Forwarded-Prefix");

    private GatewayUrl() {
    }

    /**
     * The last base made, with what it was made from. A gateway's callers reach it by one or a few names, so nearly
     * every request finds its base here instead of parsing and matching its Host again (about 1-2 KB of allocation
     * per request, issue #15). One slot, replaced whole: a request that differs just makes its own.
     */
    private record Made(boolean ssl, String host, String proto, String forwardedHost, String forwardedPrefix,
            String base) {

        boolean from(boolean ssl, String host, String proto, String forwardedHost, String forwardedPrefix) {
            return this.ssl == ssl && this.host.equals(host) && Objects.equals(this.proto, proto)
                    && Objects.equals(this.forwardedHost, forwardedHost)
                    && Objects.equals(this.forwardedPrefix, forwardedPrefix);
        }
    }

    private static volatile Made last;

    /** For example {@code https://gw.example.com/prefix}; no trailing slash. */
    public static String base(HttpServerRequest request) {
        // An HTTP/1 request's authority is its Host header, so the headers decide its base. HTTP/2's :authority is
        // not a header: such a request always makes its own.
        String hostHeader = request.version() == HttpVersion.HTTP_2 ? null : request.getHeader(HttpHeaders.HOST);
        String forwardedProto = request.getHeader(X_FORWARDED_PROTO);
        String forwardedHost = request.getHeader(X_FORWARDED_HOST);
        String forwardedPrefix = request.getHeader(X_FORWARDED_PREFIX);
        boolean ssl = tls(request);
        Made made = last;
        if (hostHeader != null && made != null
                && made.from(ssl, hostHeader, forwardedProto, forwardedHost, forwardedPrefix)) {
            return made.base();
        }
        String proto = first(forwardedProto);
        if (proto == null || !(proto.equalsIgnoreCase("http") || proto.equalsIgnoreCase("https"))) {
            proto = ssl ? "https" : "http";
        }
        boolean fromLocalAddress = false;
        String host = first(forwardedHost);
        if (host == null || !HOST.matcher(host).matches()) {
            // The Host header, or HTTP/2's :authority: an HTTP/2 request has no Host header.
            HostAndPort authority = request.authority();
            host = authority == null ? null : authority.toString();
            if (host == null || !HOST.matcher(host).matches()) {
                host = request.localAddress().hostAddress() + ":" + request.localAddress().port();
                fromLocalAddress = true;
            }
        }
        String prefix = first(forwardedPrefix);
        if (prefix != null) {
            while (prefix.endsWith("/")) {
                prefix = prefix.substring(0, prefix.length() - 1);
            }
            if (!prefix.isEmpty() && !PREFIX.matcher(prefix).matches()) {
                prefix = "";
            }
        } else {
            prefix = "";
        }
        String base = proto.toLowerCase(Locale.ROOT) + "://" + host + prefix;
        if (hostHeader != null && !fromLocalAddress) {
            // Made from the headers alone (a local address may differ between connections with the same headers).
            last = new Made(ssl, hostHeader, forwardedProto, forwardedHost, forwardedPrefix, base);
        }
        return base;
    }

    /**
     * Whether the request came over TLS. With Quarkus' proxy forwarding off (its default: the gateway reads the
     * {@code X-Forwarded-*} headers itself, above) that is its connection's TLS, read directly: asking the request
     * instead makes Quarkus' request wrapper parse every forwarding header only to answer the same (about 0.5 % of the
     * gateway's CPU per request, docs/benchmarks.md "Issue #15, round 3"). With forwarding on, Quarkus' answer
     * ({@code Forwarded}, {@code X-Forwarded-Proto}/{@code -Ssl} from trusted proxies) counts, as it always did.
     */
    private static boolean tls(HttpServerRequest request) {
        return QuarkusForwarding.ON ? request.isSSL() : request.connection().isSsl();
    }

    /** {@code quarkus.http.proxy.proxy-address-forwarding}, read once (a run-time setting fixed at start). */
    private static final class QuarkusForwarding {
        static final boolean ON = ConfigProvider.getConfig()
                .getOptionalValue("quarkus.http.proxy.proxy-address-forwarding", Boolean.class).orElse(false);
    }

    private static String first(String header) {
        if (header == null) {
            return null;
        }
        int comma = header.indexOf(',');
        String v = (comma < 0 ? header : header.substring(0, comma)).strip();
        return v.isEmpty() ? null : v;
    }
}
