package io.bcgateway.status;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * The status page itself: one self-contained HTML file (inline CSS and script, no external asset), read once from
 * the classpath. The script polls {@code status}, {@code events} and {@code history} next to it and draws the
 * chart as SVG. The Content-Security-Policy forbids the page to load or send anything anywhere but its own origin.
 */
final class StatusPage {

    static final String RESOURCE = "/status/status.html";
    private static final String CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            + "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Buffer html;

    StatusPage() {
        try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("status page resource " + RESOURCE + " is missing from the build");
            }
            html = Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void serve(RoutingContext rc) {
        rc.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .end(html);
    }
}
