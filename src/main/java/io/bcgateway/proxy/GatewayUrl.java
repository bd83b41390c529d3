package io.bcgateway.proxy;

import java.util.Locale;
import java.util.regex.Pattern;

import io.vertx.core.http.HttpServerRequest;
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

    private GatewayUrl() {
    }

    /** For example {@code https://gw.example.com/prefix}; no trailing slash. */
    public static String base(HttpServerRequest request) {
        String proto = first(request.getHeader("X-Forwarded-Proto"));
        if (proto == null || !(proto.equalsIgnoreCase("http") || proto.equalsIgnoreCase("https"))) {
            proto = request.isSSL() ? "https" : "http";
        }
        String host = first(request.getHeader("X-Forwarded-Host"));
        if (host == null || !HOST.matcher(host).matches()) {
            // The Host header, or HTTP/2's :authority: an HTTP/2 request has no Host header.
            HostAndPort authority = request.authority();
            host = authority == null ? null : authority.toString();
            if (host == null || !HOST.matcher(host).matches()) {
                host = request.localAddress().hostAddress() + ":" + request.localAddress().port();
            }
        }
        String prefix = first(request.getHeader("X-Forwarded-Prefix"));
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
        return proto.toLowerCase(Locale.ROOT) + "://" + host + prefix;
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
