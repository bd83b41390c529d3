package io.bcgateway.fanout;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.bcgateway.metrics.GatewayMetrics;
import io.bcgateway.metrics.Spans;
import io.bcgateway.problem.Problem;
import io.bcgateway.proxy.ContextHop;
import io.bcgateway.proxy.UpstreamFailures;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/**
 * Reads every target, page after page, at most {@code concurrency} targets at once, and streams their rows into
 * one {@link FanoutWriter}. Each page goes through {@link BcClient}, so every call waits for its principal's
 * admission: a fan-out can never push BC past its limits. A target that fails is recorded, the others go on.
 *
 * <p>Memory stays bounded: one page per running target is held (page size is capped by the gateway), and no page
 * is fetched while the caller has not taken the previous ones.
 */
final class FanoutRun {

    private final Context context;
    private final BcClient client;
    private final FanoutWriter writer;
    private final List<Target> targets;
    private final int concurrency;
    private final boolean allPages;
    private final MultiMap headers;
    private final Clock clock;
    private final Duration callDeadline;
    private final Instant runDeadline;
    private final GatewayMetrics metrics;
    private int started;
    private int finished;
    private int succeeded;

    FanoutRun(Context context, BcClient client, FanoutWriter writer, List<Target> targets, int concurrency,
            boolean allPages, MultiMap headers, Clock clock, Duration callDeadline, Duration maxDuration,
            GatewayMetrics metrics) {
        this.context = context;
        this.client = client;
        this.writer = writer;
        this.targets = targets;
        this.concurrency = Math.max(1, concurrency);
        this.allPages = allPages;
        this.headers = headers;
        this.clock = clock;
        this.callDeadline = callDeadline;
        this.runDeadline = clock.instant().plus(maxDuration);
        this.metrics = metrics;
    }

    void start() {
        if (targets.isEmpty()) {
            metrics.fanoutEnded(0, 0);
            writer.finish(0, 0);
            return;
        }
        for (int i = 0; i < concurrency && started < targets.size(); i++) {
            read(targets.get(started++), null, 0);
        }
    }

    private void read(Target target, String uri, int pagesRead) {
        if (writer.closed()) {
            done(false);
            return;
        }
        Instant now = clock.instant();
        if (now.isAfter(runDeadline)) {
            fail(target, pagesRead, new JsonObject().put("status", 504).put("error", new JsonObject()
                    .put("code", "gateway.fanout-timeout").put("message", "the fan-out ran out of time")));
            return;
        }
        Instant deadline = now.plus(callDeadline);
        String pageUri = uri == null ? target.firstUri() : uri;
        io.opentelemetry.api.trace.Span span = metrics.spans().start("bc.fanout.page", target.connection().name());
        if (span != null) {
            span.setAttribute("bc.fanout.page", pagesRead + 1);
            span.setAttribute("bc.company", target.companyName() == null ? "" : target.companyName());
        }
        ContextHop.onContext(context, client.call(context, target.connection(), HttpMethod.GET, pageUri, headers, null,
                deadline.isAfter(runDeadline) ? runDeadline : deadline), ar -> {
                    Spans.end(span, ar.cause());
                    if (ar.failed()) {
                        Problem p = UpstreamFailures.toProblem(target.connection(), ar.cause());
                        fail(target, pagesRead, new JsonObject().put("status", p.status()).put("error", p.toJson()));
                        return;
                    }
                    BcClient.Answer answer = ar.result();
                    if (answer.status() != 200) {
                        fail(target, pagesRead, new JsonObject().put("status", answer.status())
                                .put("error", answer.errorJson()));
                        return;
                    }
                    PageParser.Page page;
                    try {
                        page = PageParser.parse(answer.body());
                    } catch (IOException | RuntimeException e) {
                        fail(target, pagesRead, new JsonObject().put("status", 502).put("error", new JsonObject()
                                .put("code", "gateway.unreadable-page")
                                .put("message", "Business Central's page is not an OData collection")));
                        return;
                    }
                    writer.contextIfAbsent(target.connection(), page.context());
                    writer.rows(page.rows(), target.tags());
                    next(target, page.nextLink(), pagesRead + 1);
                });
    }

    /** Follows the next link, only into the connection's own BC; or ends the target. */
    private void next(Target target, String nextLink, int pagesRead) {
        if (!allPages || nextLink == null) {
            done(true);
            return;
        }
        Optional<String> rest = target.connection().endpoint().restOf(nextLink);
        if (rest.isEmpty()) {
            fail(target, pagesRead, new JsonObject().put("status", 502).put("error", new JsonObject()
                    .put("code", "gateway.foreign-next-link")
                    .put("message", "the @odata.nextLink points outside the connection's Business Central; "
                            + "it was not followed")));
            return;
        }
        String uri = target.connection().endpoint().upstreamUri(rest.get(), null);
        if (writer.congested()) {
            writer.whenDrained(() -> read(target, uri, pagesRead));
        } else {
            read(target, uri, pagesRead);
        }
    }

    private void fail(Target target, int pagesRead, JsonObject outcome) {
        target.connection().metrics().fanoutTargetFailed();
        writer.failure(target.describe().mergeIn(outcome).put("pagesRead", pagesRead));
        done(false);
    }

    private void done(boolean ok) {
        finished++;
        if (ok) {
            succeeded++;
        }
        if (finished == targets.size()) {
            metrics.fanoutEnded(targets.size(), succeeded);
            writer.finish(targets.size(), succeeded);
        } else if (started < targets.size()) {
            read(targets.get(started++), null, 0);
        }
    }
}
