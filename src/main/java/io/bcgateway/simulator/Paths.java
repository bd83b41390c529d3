package io.bcgateway.simulator;

import io.vertx.ext.web.RoutingContext;

/** Request paths relative to wherever the simulator router is mounted, and absolute base URLs for links. */
final class Paths {

    private Paths() { }

    /** The mount point without a trailing slash: "" at the root, "/sim" when mounted under /sim. */
    static String mountPoint(RoutingContext ctx) {
        String m = ctx.mountPoint();
        if (m == null) return "";
        return m.endsWith("/") ? m.substring(0, m.length() - 1) : m;
    }

    /** The raw (still percent-encoded) path below the mount point, starting with "/". */
    static String relative(RoutingContext ctx) {
        String path = ctx.request().path();
        String mount = mountPoint(ctx);
        if (!mount.isEmpty() && path.startsWith(mount)) {
            path = path.substring(mount.length());
        }
        return path.isEmpty() ? "/" : path;
    }

    /** scheme://host[:port] as the caller addressed us, plus the mount point. Used for every absolute URL. */
    static String base(RoutingContext ctx) {
        String host = ctx.request().host(); // Host header, or :authority for HTTP/2
        if (host == null) {
            host = ctx.request().localAddress().host() + ":" + ctx.request().localAddress().port();
        }
        return ctx.request().scheme() + "://" + host + mountPoint(ctx);
    }
}
