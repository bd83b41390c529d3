package io.bcgateway.proxy;

import io.bcgateway.problem.Problem;
import io.vertx.ext.web.RoutingContext;

/**
 * Runs before any route (in {@link FrontRoute}, right after the framing check): refuses absolute-form targets and dot segments in the raw path. The router matches on
 * the normalised path, so {@code /bc/%2e%2e/x} or {@code /x/../bc/...} would otherwise reach a route other than
 * the one the raw text names (or none); here they get a clear 400 whatever they would have matched.
 */
final class RequestTargetGuard {

    private RequestTargetGuard() {
    }

    /** Whether the request may go on (run by {@link FrontRoute}); when not, it has been answered here. */
    static boolean passes(RoutingContext rc) {
        String refused = PathGuard.rejectTarget(rc.request().uri());
        if (refused == null) {
            return true;
        }
        rc.request().resume();
        Problem.of(400, "bad-request", "Bad request", refused).send(rc.response());
        return false;
    }
}
