// CPU ns and bytes allocated per request for the request side's header work (issue 15, round 4): the framing check
// (MessageFramingGuard.framingProblem), the caller's headers copied to BC (HeaderFilter.copyRequestHeaders) and BC's
// answer headers copied to the caller (HeaderFilter.copyResponseHeaders), the code before this round (copied below)
// against the build's, interleaved in one JVM (ABAB..., medians). The maps are the types Vert.x hands over: the
// server request's HeadersMultiMap, the client answer's HeadersAdaptor over Netty's DefaultHttpHeaders, fresh
// HeadersMultiMaps as targets. Uses Vert.x's impl classes to build them: a harness, not part of the build. It sits
// in the package of the code it times (package-private methods). From the worktree, after ./mvnw package:
//   mkdir -p /tmp/rs && javac -d /tmp/rs -cp 'target/quarkus-app/lib/main/*:target/classes' bench/overhead/RequestSideCost.java
//   taskset -c 1 java -cp '/tmp/rs:target/classes:target/quarkus-app/lib/main/*' io.bcgateway.proxy.RequestSideCost
package io.bcgateway.proxy;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.sun.management.ThreadMXBean;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.headers.HeadersAdaptor;
import io.vertx.core.http.impl.headers.HeadersMultiMap;

public class RequestSideCost {

    static final int REQUESTS = 200_000;
    static final int PAIRS = 7;

    interface Work {
        long run(MultiMap request, MultiMap answer);
    }

    public static void main(String[] args) {
        // wrk's request (bench/overhead.sh): Host only. A usual client's: a few more, with keep-alive.
        MultiMap wrk = HeadersMultiMap.httpHeaders().add("Host", "127.0.0.1:41234");
        MultiMap client = HeadersMultiMap.httpHeaders().add("Host", "gateway:8080").add("User-Agent", "app/1.0")
                .add("Accept", "application/json").add("Accept-Encoding", "gzip").add("Connection", "keep-alive")
                .add("Prefer", "odata.maxpagesize=20");
        // nginx's answer as the upstream in bench/overhead.sh gives it (BC's has the same shape: keep-alive and ~8 lines).
        DefaultHttpHeaders nginx = new DefaultHttpHeaders();
        nginx.add("Server", "nginx/1.26.3").add("Date", "Mon, 07 Dec 2026 04:00:00 GMT")
                .add("Content-Type", "application/json").add("Content-Length", "17452")
                .add("Last-Modified", "Mon, 07 Dec 2026 03:00:00 GMT").add("Connection", "keep-alive")
                .add("ETag", "\"6753f0a0-442c\"").add("Accept-Ranges", "bytes");
        MultiMap answer = new HeadersAdaptor(nginx);
        Work before = (request, from) -> {
            long n = oldFramingProblem(HttpVersion.HTTP_1_1, request) == null ? 1 : 0;
            MultiMap up = HeadersMultiMap.httpHeaders();
            oldCopyRequestHeaders(request, up);
            MultiMap down = HeadersMultiMap.httpHeaders();
            oldCopyResponseHeaders(from, down);
            return n + up.size() + down.size();
        };
        Work after = (request, from) -> {
            long n = MessageFramingGuard.framingProblem(HttpVersion.HTTP_1_1, request) == null ? 1 : 0;
            MultiMap up = HeadersMultiMap.httpHeaders();
            HeaderFilter.copyRequestHeaders(request, up);
            MultiMap down = HeadersMultiMap.httpHeaders();
            HeaderFilter.copyResponseHeaders(from, down);
            return n + up.size() + down.size();
        };
        if (before.run(client, answer) != after.run(client, answer) || before.run(wrk, answer) != after.run(wrk, answer)) {
            throw new AssertionError("the two versions disagree");
        }
        // Each piece alone as well: framing check, request copy, answer copy.
        Work framingBefore = (request, from) -> oldFramingProblem(HttpVersion.HTTP_1_1, request) == null ? 1 : 0;
        Work framingAfter = (request, from) -> MessageFramingGuard.framingProblem(HttpVersion.HTTP_1_1, request) == null ? 1 : 0;
        Work requestBefore = (request, from) -> {
            MultiMap up = HeadersMultiMap.httpHeaders();
            oldCopyRequestHeaders(request, up);
            return up.size();
        };
        Work requestAfter = (request, from) -> {
            MultiMap up = HeadersMultiMap.httpHeaders();
            HeaderFilter.copyRequestHeaders(request, up);
            return up.size();
        };
        Work answerBefore = (request, from) -> {
            MultiMap down = HeadersMultiMap.httpHeaders();
            oldCopyResponseHeaders(from, down);
            return down.size();
        };
        Work answerAfter = (request, from) -> {
            MultiMap down = HeadersMultiMap.httpHeaders();
            HeaderFilter.copyResponseHeaders(from, down);
            return down.size();
        };
        // The header look-ups of a request's way (FrontRoute's Content-Length, ProxyRoute's deadline, GatewayUrl's
        // Host and X-Forwarded-*), by String name (before) and by a name made once with HttpHeaders.createOptimized.
        CharSequence[] made = { io.vertx.core.http.HttpHeaders.CONTENT_LENGTH, Deadline.HEADER_NAME,
                io.vertx.core.http.HttpHeaders.HOST, io.vertx.core.http.HttpHeaders.createOptimized("X-Forwarded-Proto"),
                io.vertx.core.http.HttpHeaders.createOptimized("X-Forwarded-Host"),
                io.vertx.core.http.HttpHeaders.createOptimized("X-Forwarded-Prefix") };
        String[] named = { "Content-Length", "X-Gateway-Deadline", "Host", "X-Forwarded-Proto", "X-Forwarded-Host",
                "X-Forwarded-Prefix" };
        Work lookUpBefore = (request, from) -> {
            long n = 0;
            for (String name : named) {
                n += request.get(name) == null ? 0 : 1;
            }
            return n;
        };
        Work lookUpAfter = (request, from) -> {
            long n = 0;
            for (CharSequence name : made) {
                n += request.get(name) == null ? 0 : 1;
            }
            return n;
        };
        System.out.printf("java %s, %d requests per measurement, %d interleaved pairs, medians%n",
                System.getProperty("java.version"), REQUESTS, PAIRS);
        System.out.println("| request | what | CPU ns/request before | after | B/request before | after |");
        System.out.println("|---|---|---|---|---|---|");
        Object[][] works = { { "all three", before, after }, { "framing check", framingBefore, framingAfter },
                { "request headers copied", requestBefore, requestAfter },
                { "answer headers copied (nginx's 8)", answerBefore, answerAfter },
                { "6 header look-ups by name", lookUpBefore, lookUpAfter } };
        for (Object[] c : new Object[][] { { "wrk (Host only)", wrk }, { "client (6 lines, keep-alive)", client } }) {
            MultiMap request = (MultiMap) c[1];
            for (Object[] w : works) {
                Work x = (Work) w[1], y = (Work) w[2];
                for (int i = 0; i < 5; i++) {
                    measure(x, request, answer);
                    measure(y, request, answer);
                }
                long[][] b = new long[PAIRS][], a = new long[PAIRS][];
                for (int p = 0; p < PAIRS; p++) {
                    b[p] = measure(x, request, answer);
                    a[p] = measure(y, request, answer);
                }
                System.out.printf("| %s | %s | %d | %d | %d | %d |%n", c[0], w[0], median(b, 1), median(a, 1),
                        median(b, 0), median(a, 0));
            }
        }
    }

    static long[] measure(Work work, MultiMap request, MultiMap answer) {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long sink = 0;
        long a0 = mx.getThreadAllocatedBytes(id), t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < REQUESTS; i++) {
            sink += work.run(request, answer);
        }
        long t1 = mx.getCurrentThreadCpuTime(), a1 = mx.getThreadAllocatedBytes(id);
        if (sink == 42) {
            System.out.println();
        }
        return new long[] { (a1 - a0) / REQUESTS, (t1 - t0) / REQUESTS };
    }

    static long median(long[][] runs, int k) {
        long[] v = Arrays.stream(runs).mapToLong(r -> r[k]).sorted().toArray();
        return v[v.length / 2];
    }

    // ---- before this round (main at 4b60507), copied --------------------------------------------------------------

    private static final String[] HOP_BY_HOP = { "connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "http2-settings" };
    private static final String[] CALLER_ONLY = { "host", "authorization", "x-api-key", "cookie", "expect", "forwarded",
            "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-prefix", "x-forwarded-port",
            "x-real-ip" };
    private static final String[] UPSTREAM_ONLY = { "set-cookie", "set-cookie2" };
    private static final String GATEWAY_PREFIX = "x-gateway-";

    static void oldCopyRequestHeaders(MultiMap from, MultiMap to) {
        Set<String> listed = oldConnectionListed(from);
        for (Map.Entry<String, String> h : from) {
            String name = h.getKey();
            if (!oldIsOneOf(name, HOP_BY_HOP) && !oldIsOneOf(name, CALLER_ONLY) && !oldIsListed(name, listed)
                    && !name.regionMatches(true, 0, GATEWAY_PREFIX, 0, GATEWAY_PREFIX.length())) {
                to.add(name, h.getValue());
            }
        }
    }

    static void oldCopyResponseHeaders(MultiMap from, MultiMap to) {
        Set<String> listed = oldConnectionListed(from);
        for (Map.Entry<String, String> h : from) {
            String name = h.getKey();
            if (!oldIsOneOf(name, HOP_BY_HOP) && !oldIsOneOf(name, UPSTREAM_ONLY) && !oldIsListed(name, listed)) {
                to.add(name, h.getValue());
            }
        }
    }

    static boolean oldIsOneOf(String name, String[] lowerCaseNames) {
        for (String candidate : lowerCaseNames) {
            if (candidate.length() == name.length() && candidate.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean oldIsListed(String name, Set<String> listed) {
        return !listed.isEmpty() && listed.contains(name.toLowerCase(Locale.ROOT));
    }

    static Set<String> oldConnectionListed(MultiMap headers) {
        if (!headers.contains("connection")) {
            return Set.of();
        }
        List<String> values = headers.getAll("connection");
        if (values.size() == 1 && oldIsOneOf(values.get(0).strip(), HOP_BY_HOP)) {
            return Set.of();
        }
        Set<String> names = null;
        for (String value : values) {
            for (String token : value.split(",")) {
                String t = token.strip().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) {
                    if (names == null) {
                        names = new HashSet<>();
                    }
                    names.add(t);
                }
            }
        }
        return names == null ? Set.of() : names;
    }

    /** The common path of the old check (no Transfer-Encoding): the rest is unchanged. */
    static String oldFramingProblem(HttpVersion version, MultiMap headers) {
        if (version != HttpVersion.HTTP_1_0 && version != HttpVersion.HTTP_1_1) {
            return null;
        }
        List<String> hosts = headers.getAll("Host");
        if (hosts.isEmpty()) {
            return "no Host";
        }
        if (hosts.size() > 1 || hosts.get(0).indexOf(',') >= 0) {
            return "more than one Host";
        }
        List<String> transferEncodings = headers.getAll("Transfer-Encoding");
        if (transferEncodings.isEmpty()) {
            return null;
        }
        return headers.contains("Content-Length") ? "both" : "chunked?";
    }
}
