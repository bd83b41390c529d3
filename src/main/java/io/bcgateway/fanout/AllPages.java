package io.bcgateway.fanout;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.bcgateway.connection.Connection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * Every page of one query, for the gateway's own readers (a webhook expanding a {@code collection}): the same
 * paging as the fan-out (bounded {@code odata.maxpagesize}, {@code @odata.nextLink} followed only into the
 * connection's own BC, {@link PageParser}) through {@link BcClient}, so each page waits for the principal's
 * admission. The next page is fetched only once the reader has taken the previous one.
 */
public final class AllPages {

    private final BcClient client;
    private final int pageSize;
    private final Duration callDeadline;
    private final java.time.Clock clock;
    private final Duration maxDuration;

    /** @param maxDuration longest a whole read may take (gateway.fanout.max-duration): no endless chain of pages */
    public AllPages(BcClient client, java.time.Clock clock, int pageSize, Duration callDeadline, Duration maxDuration) {
        this.client = client;
        this.clock = clock;
        this.maxDuration = maxDuration;
        this.pageSize = pageSize;
        this.callDeadline = callDeadline;
    }

    /** BC refused a page, or the page was not an OData collection. */
    public static final class PageException extends RuntimeException {
        public final int status;

        PageException(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /**
     * Reads {@code upstreamUri} and every next page, handing each page's rows to {@code reader}; completes once the
     * last page was read and taken, fails at the first page that could not be read or taken.
     */
    public Future<Integer> read(Context context, Connection connection, String upstreamUri,
            Function<List<Buffer>, Future<Void>> reader) {
        return page(context, connection, upstreamUri, reader, 0, clock.instant().plus(maxDuration));
    }

    private Future<Integer> page(Context context, Connection connection, String uri,
            Function<List<Buffer>, Future<Void>> reader, int rowsSoFar, java.time.Instant runDeadline) {
        if (clock.instant().isAfter(runDeadline)) {
            return Future.failedFuture(new PageException(504, "reading every page took longer than " + maxDuration));
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json")
                .add("Prefer", "odata.maxpagesize=" + pageSize);
        return client.call(context, connection, HttpMethod.GET, uri, headers, null,
                clock.instant().plus(callDeadline)).compose(answer -> {
                    if (answer.status() != 200) {
                        return Future.failedFuture(new PageException(answer.status(),
                                "Business Central answered " + answer.status() + " to a page"));
                    }
                    PageParser.Page page;
                    try {
                        page = PageParser.parse(answer.body());
                    } catch (IOException | RuntimeException e) {
                        return Future.failedFuture(new PageException(502, "the page is not an OData collection"));
                    }
                    int rows = rowsSoFar + page.rows().size();
                    return reader.apply(page.rows()).compose(taken -> {
                        if (page.nextLink() == null) {
                            return Future.succeededFuture(rows);
                        }
                        Optional<String> rest = connection.endpoint().restOf(page.nextLink());
                        if (rest.isEmpty()) {
                            return Future.failedFuture(new PageException(502,
                                    "the @odata.nextLink points outside the connection's Business Central"));
                        }
                        return page(context, connection, connection.endpoint().upstreamUri(rest.get(), null), reader,
                                rows, runDeadline);
                    });
                });
    }
}
