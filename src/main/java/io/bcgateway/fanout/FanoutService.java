package io.bcgateway.fanout;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.bcgateway.config.FanoutConfig;
import io.bcgateway.config.ThrottleConfig;
import io.bcgateway.connection.Connection;
import io.bcgateway.connection.Connections;
import io.bcgateway.metrics.GatewayMetrics;
import io.bcgateway.problem.Problem;
import io.bcgateway.problem.Problems;
import io.bcgateway.proxy.ContextHop;
import io.bcgateway.proxy.GatewayUrl;
import io.bcgateway.proxy.HeaderFilter;
import io.bcgateway.proxy.PathGuard;
import io.bcgateway.proxy.UpstreamFailures;
import io.bcgateway.security.Caller;
import io.bcgateway.security.CallerGate;
import io.bcgateway.security.Denial;
import io.bcgateway.upstream.UpstreamEngine;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The fan-out endpoints:
 * <ul>
 * <li>{@code GET /fanout/{connection}/companies/{entity}[?query]}: the entity query in every company of the
 * connection (or those named by {@code X-Gateway-Companies}), rows tagged {@code @gateway.companyId} and
 * {@code @gateway.companyName};</li>
 * <li>{@code GET /fanout/connections/{path}[?query]}: the same path on every connection (or those named by
 * {@code X-Gateway-Connections}), rows tagged {@code @gateway.connection}; a path {@code companies/{entity}} goes
 * through every company of every one of them;</li>
 * <li>{@code GET /bc/{connection}/{rest}} with {@code X-Gateway-All-Pages: true}: every page of one query as one
 * collection ({@link #allPages}).</li>
 * </ul>
 * Fan-outs follow {@code @odata.nextLink}s (only into the connection's own BC) unless
 * {@code X-Gateway-All-Pages: false}; {@code X-Gateway-Concurrency} caps the targets read at once;
 * {@code Cache-Control: no-cache} fetches the company list afresh instead of using the one cached for a minute;
 * {@code X-Gateway-Api-Path} picks another API than {@code api/v2.0} (for example a custom API).
 */
@ApplicationScoped
public class FanoutService {

    public static final String ALL_PAGES = "X-Gateway-All-Pages";
    static final String COMPANIES = "X-Gateway-Companies";
    static final String CONNECTIONS = "X-Gateway-Connections";
    static final String CONCURRENCY = "X-Gateway-Concurrency";
    static final String API_PATH = "X-Gateway-Api-Path";
    static final String PREFIX = "/fanout/";
    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** api/v2.0 or api/{publisher}/{group}/{version}: segments start with a letter or digit, so never "." or "..". */
    private static final Pattern API = Pattern.compile("api(/[A-Za-z0-9][A-Za-z0-9._-]{0,63}){1,4}");
    private static final int MAX_CONCURRENCY = 64;

    private final Connections connections;
    private final FanoutConfig config;
    private final ThrottleConfig throttle;
    private final Clock clock;
    private final UpstreamEngine engine;
    private final GatewayMetrics metrics;
    /** Made by the first fan-out, all-pages read or large $batch ({@link #parts()}), not at start. */
    private volatile Parts parts;

    /**
     * What only fan-outs use: the client over the upstream engine, the company directory (a cache) and the batch
     * splitter. Every proxied request asks this bean whether it is a $batch, so the bean itself exists from the first
     * proxied request on; its parts wait for a request that needs them (issue 14: nothing fan-out specific is made
     * before a fan-out request).
     */
    private record Parts(BcClient client, CompanyDirectory directory, BatchSplitter batches) {
    }

    @Inject
    public FanoutService(Connections connections, FanoutConfig config, ThrottleConfig throttle, Clock clock,
            UpstreamEngine engine, GatewayMetrics metrics) {
        this.connections = connections;
        this.config = config;
        this.throttle = throttle;
        this.clock = clock;
        this.engine = engine;
        this.metrics = metrics;
    }

    private Parts parts() {
        Parts p = parts;
        if (p == null) {
            synchronized (this) {
                p = parts;
                if (p == null) {
                    BcClient client = new BcClient(engine);
                    p = new Parts(client,
                            new CompanyDirectory(client, clock, config.companyCacheTtl(), throttle.defaultDeadline()),
                            new BatchSplitter(client, clock, throttle.defaultDeadline()));
                    parts = p;
                }
            }
        }
        return p;
    }

    /** Whether a {@code /bc/} request is a {@code $batch} the gateway should read to count its operations. */
    public boolean isBatch(HttpServerRequest request, String rest) {
        if (request.method() != HttpMethod.POST) {
            return false;
        }
        String r = rest.toLowerCase(Locale.ROOT);
        return r.endsWith("/$batch") || r.endsWith("/%24batch");
    }

    /** The largest {@code $batch} body read to count its operations. */
    public int maxBatchBody() {
        return config.maxBatchBody();
    }

    /**
     * The operations of a {@code $batch} body ({@code {"requests":[{...}, ...]}}), parsed once for every use (the
     * caller's policy, the split); null when the body is not of that form.
     */
    public static JsonArray batchOperations(Buffer body) {
        JsonArray requests;
        try {
            requests = new JsonObject(body).getJsonArray("requests");
        } catch (RuntimeException e) {
            return null;
        }
        if (requests == null) {
            return null;
        }
        for (Object op : requests) {
            if (!(op instanceof JsonObject)) {
                return null;
            }
        }
        return requests;
    }

    /**
     * A $batch's operations: more than 100 are split; up to 100 go through unchanged (the caller then sends the body
     * on as a normal request). Returns false when the caller should pass it through.
     */
    public boolean splitIfNeeded(HttpServerRequest request, Connection connection, String upstreamUri,
            JsonArray requests) {
        if (requests.size() <= BatchSplitter.BC_MAX_OPERATIONS) {
            return false;
        }
        parts().batches().send(request, connection, upstreamUri, requests);
        return true;
    }

    void register(@Observes Router router) {
        router.route(PREFIX + "*").handler(this::handle);
    }

    /** Whether a {@code /bc/} request asks for every page. */
    public static boolean wantsAllPages(HttpServerRequest request) {
        return request.method() == HttpMethod.GET && "true".equalsIgnoreCase(request.getHeader(ALL_PAGES));
    }

    /** Every page of one query on one connection, as one collection (no tags). */
    public void allPages(HttpServerRequest request, Connection connection, String rest) {
        Target target = Target.of(connection, null, null, connection.endpoint().upstreamUri(rest, request.query()),
                false);
        run(request, null, List.of(target), true, config.concurrency());
    }

    private void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        String path = request.path().substring(PREFIX.length());
        int slash = path.indexOf('/');
        String head = slash < 0 ? path : path.substring(0, slash);
        String rest = slash < 0 ? "" : path.substring(slash + 1);
        if (request.method() != HttpMethod.GET) {
            answer(request, Problem.of(405, "method-not-allowed", "Method not allowed", "Fan-outs are reads: use GET."));
            return;
        }
        String refused = Optional.ofNullable(PathGuard.rejectPath(rest))
                .or(() -> Optional.ofNullable(PathGuard.rejectQuery(request.query())))
                .orElse(PathGuard.rejectHeaders(request.headers()));
        String apiPath = Optional.ofNullable(request.getHeader(API_PATH)).map(String::strip).orElse("api/v2.0");
        if (refused == null && !API.matcher(apiPath).matches()) {
            refused = API_PATH + " must look like api/v2.0 or api/{publisher}/{group}/{version}";
        }
        Integer concurrency = concurrency(request);
        if (refused == null && concurrency == null) {
            refused = CONCURRENCY + " must be a whole number from 1 to " + MAX_CONCURRENCY;
        }
        if (refused != null) {
            answer(request, Problem.of(400, "bad-request", "Bad request", refused));
            return;
        }
        boolean allPages = !"false".equalsIgnoreCase(request.getHeader(ALL_PAGES));
        Caller caller = CallerGate.caller(rc);
        if (head.equals("connections")) {
            acrossConnections(request, caller, rest, apiPath, allPages, concurrency);
            return;
        }
        Connection connection = connections.find(head).orElse(null);
        if (connection == null) {
            answer(request, Problems.unknownConnection(head));
            return;
        }
        if (!rest.startsWith("companies/") || rest.length() == "companies/".length()) {
            answer(request, Problems.badRequest(connection.name(),
                    "a fan-out path is /fanout/{connection}/companies/{entity} or /fanout/connections/{path}"));
            return;
        }
        if (denied(request, caller, connection, readPath(rest, apiPath))) {
            return;
        }
        acrossCompanies(request, List.of(connection), rest.substring("companies/".length()), apiPath, allPages,
                concurrency, false);
    }

    /**
     * The BC path a fan-out reads, as a caller's policy sees it: {@code companies/{entity}} is a GET of
     * {@code {api}/companies(*)/{entity}} in every company, anything else the path itself.
     */
    private static String readPath(String rest, String apiPath) {
        return rest.startsWith("companies/") ? apiPath + "/companies(*)/" + rest.substring("companies/".length())
                : rest;
    }

    /** Answers 403 and returns true when the caller may not read {@code path} on {@code connection}. */
    private static boolean denied(HttpServerRequest request, Caller caller, Connection connection, String path) {
        Denial denial = caller.policy().denyRequest(connection.name(), "GET", path);
        if (denial == null) {
            return false;
        }
        answer(request, Problems.forbidden(caller.name(), connection.name(), denial.rule(), denial.detail()));
        return true;
    }

    private void acrossConnections(HttpServerRequest request, Caller caller, String rest, String apiPath,
            boolean allPages, int concurrency) {
        List<Connection> chosen = new ArrayList<>();
        String names = request.getHeader(CONNECTIONS);
        if (names == null || names.isBlank()) {
            // "Every connection" means every connection this caller may use.
            connections.all().forEach(c -> {
                if (caller.policy().allowsConnection(c.name())) {
                    chosen.add(c);
                }
            });
        } else {
            Set<String> seen = new LinkedHashSet<>();
            for (String n : names.split(",")) {
                String name = n.strip();
                if (name.isEmpty() || !seen.add(name.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                Optional<Connection> c = connections.find(name);
                if (c.isEmpty()) {
                    answer(request, Problems.unknownConnection(name));
                    return;
                }
                chosen.add(c.get());
            }
        }
        for (Connection c : chosen) {
            if (!rest.isEmpty() && denied(request, caller, c, readPath(rest, apiPath))) {
                return;
            }
        }
        if (rest.startsWith("companies/") && rest.length() > "companies/".length()) {
            acrossCompanies(request, chosen, rest.substring("companies/".length()), apiPath, allPages, concurrency,
                    true);
            return;
        }
        if (rest.isEmpty()) {
            answer(request, Problem.of(400, "bad-request", "Bad request",
                    "name the BC path to read on every connection, e.g. /fanout/connections/api/v2.0/companies"));
            return;
        }
        List<Target> targets = new ArrayList<>();
        for (Connection c : chosen) {
            targets.add(Target.of(c, null, null, c.endpoint().upstreamUri(rest, request.query()), true));
        }
        run(request, GatewayUrl.base(request) + request.path(), targets, allPages, concurrency);
    }

    /** Lists the companies of every chosen connection (cached), then reads the entity in each. */
    private void acrossCompanies(HttpServerRequest request, List<Connection> chosen, String entity, String apiPath,
            boolean allPages, int concurrency, boolean tagConnection) {
        Set<String> subset = new LinkedHashSet<>();
        String ids = request.getHeader(COMPANIES);
        if (ids != null && !ids.isBlank()) {
            for (String id : ids.split(",")) {
                String s = id.strip();
                if (!GUID.matcher(s).matches()) {
                    answer(request, Problem.of(400, "bad-request", "Bad request",
                            COMPANIES + " lists company ids (GUIDs), comma-separated"));
                    return;
                }
                subset.add(s.toLowerCase(Locale.ROOT));
            }
        }
        request.pause();
        Context context = Vertx.currentContext();
        List<Target> targets = new ArrayList<>();
        listNext(request, context, chosen, 0, entity, apiPath, subset, tagConnection, targets, allPages, concurrency);
    }

    private void listNext(HttpServerRequest request, Context context, List<Connection> chosen, int index,
            String entity, String apiPath, Set<String> subset, boolean tagConnection, List<Target> targets,
            boolean allPages, int concurrency) {
        if (index == chosen.size()) {
            request.resume();
            run(request, GatewayUrl.base(request) + request.path(), targets, allPages, concurrency);
            return;
        }
        Connection c = chosen.get(index);
        boolean fresh = request.headers().getAll("Cache-Control").stream()
                .anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("no-cache"));
        ContextHop.onContext(context, parts().directory().companies(context, c, apiPath, fresh), ar -> {
            if (ar.failed()) {
                request.resume();
                Throwable cause = ar.cause();
                Problem problem = cause instanceof CompanyDirectory.CompanyListException e
                        ? Problem.of(502, "company-list-failed", "The company list could not be read",
                                "Connection '" + c.name() + "': Business Central answered " + e.status
                                        + " to the company list.").with("connection", c.name())
                        : UpstreamFailures.toProblem(c, cause);
                problem.send(request.response());
                return;
            }
            for (CompanyDirectory.Company company : ar.result()) {
                if (subset.isEmpty() || subset.contains(company.id().toLowerCase(Locale.ROOT))) {
                    String uri = c.endpoint().upstreamUri(apiPath + "/companies(" + company.id() + ")/" + entity,
                            request.query());
                    targets.add(Target.of(c, company.id(), company.name(), uri, tagConnection));
                }
            }
            listNext(request, context, chosen, index + 1, entity, apiPath, subset, tagConnection, targets, allPages,
                    concurrency);
        });
    }

    private void run(HttpServerRequest request, String context, List<Target> targets, boolean allPages,
            int concurrency) {
        FanoutWriter writer = new FanoutWriter(request.response(), context, GatewayUrl.base(request));
        new FanoutRun(Vertx.currentContext(), parts().client(), writer, targets, concurrency, allPages, pageHeaders(request),
                clock, throttle.defaultDeadline(), config.maxDuration(), metrics).start();
    }

    /**
     * The caller's headers as BC should see them, with a bounded page size (the caller's own when smaller) and
     * no compression: the gateway reads these pages itself.
     */
    private MultiMap pageHeaders(HttpServerRequest request) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        HeaderFilter.copyRequestHeaders(request.headers(), headers);
        headers.remove("Accept-Encoding");
        headers.remove("Content-Length");
        int pageSize = config.pageSize();
        List<String> otherPreferences = new ArrayList<>();
        for (String prefer : request.headers().getAll("Prefer")) {
            for (String p : prefer.split(",")) {
                String pref = p.strip();
                if (pref.toLowerCase(Locale.ROOT).startsWith("odata.maxpagesize=")) {
                    try {
                        pageSize = Math.max(1, Math.min(pageSize, Integer.parseInt(pref.substring(18).strip())));
                    } catch (NumberFormatException ignored) {
                        // BC would ignore it as well
                    }
                } else if (!pref.isEmpty()) {
                    otherPreferences.add(pref);
                }
            }
        }
        otherPreferences.add("odata.maxpagesize=" + pageSize);
        headers.set("Prefer", String.join(", ", otherPreferences));
        return headers;
    }

    private Integer concurrency(HttpServerRequest request) {
        String v = request.getHeader(CONCURRENCY);
        if (v == null) {
            return config.concurrency();
        }
        try {
            int n = Integer.parseInt(v.strip());
            return n >= 1 && n <= MAX_CONCURRENCY ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void answer(HttpServerRequest request, Problem problem) {
        request.resume();
        problem.send(request.response());
    }
}
