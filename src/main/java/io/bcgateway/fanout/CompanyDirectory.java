package io.bcgateway.fanout;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.bcgateway.connection.Connection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

/**
 * The companies of each connection, fetched through {@link BcClient} (so under the same admission as everything
 * else) and reused for a short while: a fan-out across companies then costs one list request per TTL, not one per
 * fan-out. A failed fetch is not remembered. The webhooks keep their own instance to follow companies as they come
 * and go.
 */
public final class CompanyDirectory {

    /** A company: its id (a GUID) and name, as BC lists them. */
    public record Company(String id, String name) {
    }

    private record Entry(Future<List<Company>> companies, Instant expires) {
    }

    private final BcClient client;
    private final Clock clock;
    private final Duration ttl;
    private final Duration callDeadline;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    public CompanyDirectory(BcClient client, Clock clock, Duration ttl, Duration callDeadline) {
        this.client = client;
        this.clock = clock;
        this.ttl = ttl;
        this.callDeadline = callDeadline;
    }

    /**
     * The companies of {@code connection} under {@code apiPath} (for example {@code api/v2.0}); {@code fresh}
     * skips the cache (the caller sent {@code Cache-Control: no-cache}).
     */
    public Future<List<Company>> companies(Context context, Connection connection, String apiPath, boolean fresh) {
        String key = connection.name() + "|" + apiPath;
        Instant now = clock.instant();
        Entry entry = cache.get(key);
        if (!fresh && entry != null && now.isBefore(entry.expires()) && !entry.companies().failed()) {
            return entry.companies();
        }
        String uri = connection.endpoint().upstreamUri(apiPath + "/companies", "$select=id,name");
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json");
        Future<List<Company>> fetched = client.call(context, connection, HttpMethod.GET, uri, headers, null,
                now.plus(callDeadline)).compose(answer -> {
                    if (answer.status() != 200) {
                        return Future.failedFuture(new CompanyListException(answer.status(), answer.body()));
                    }
                    try {
                        List<Company> out = new ArrayList<>();
                        for (Buffer row : PageParser.parse(answer.body()).rows()) {
                            JsonObject c = new JsonObject(row);
                            out.add(new Company(c.getString("id"), c.getString("name")));
                        }
                        return Future.succeededFuture(List.copyOf(out));
                    } catch (IOException | RuntimeException e) {
                        return Future.failedFuture(new CompanyListException(502, Buffer.buffer()));
                    }
                });
        cache.put(key, new Entry(fetched, now.plus(ttl)));
        fetched.onFailure(e -> cache.remove(key));
        return fetched;
    }

    /** BC refused the company list; carries its status and body for the caller. */
    static final class CompanyListException extends RuntimeException {
        final int status;
        final transient Buffer body;

        CompanyListException(int status, Buffer body) {
            super("Business Central answered " + status + " to the company list", null, false, false);
            this.status = status;
            this.body = body;
        }
    }
}
