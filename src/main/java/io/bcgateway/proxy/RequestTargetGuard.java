package io.bcgateway.proxy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.bcgateway.problem.Problem;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Runs before any route: refuses absolute-form targets and dot segments in the raw path. The router matches on
 * the normalised path, so {@code /bc/%2e%2e/x} or {@code /x/../bc/...} would otherwise reach a route other than
 * the one the raw text names (or none); here they get a clear 400 whatever they would have matched.
 */
@ApplicationScoped
public class RequestTargetGuard {

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::check);
    }

    void check(RoutingContext rc) {
        String refused = PathGuard.rejectTarget(rc.request().uri());
        if (refused == null) {
            rc.next();
            return;
        }
        rc.request().resume();
        Problem.of(400, "bad-request", "Bad request", refused).send(rc.response());
    }
}
