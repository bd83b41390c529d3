// CPU ns and bytes allocated per request for the token's Authorization header: put on a client request's headers
// (Vert.x validates it) and encoded into the request head (HeadersMultiMap.encode, what Vert.x's HTTP/1.1 encoder
// calls), the value as a String (before) and as an AsciiString made once per token (after, AccessToken), interleaved
// in one JVM (ABAB..., medians; issue 15, round 3). Uses Vert.x's impl classes because it times their internals:
// a harness, not part of the build. From the worktree:
//   mkdir -p /tmp/ah && ./mvnw -q compile dependency:build-classpath -Dmdep.outputFile=/tmp/ah/cp.txt
//   javac -d /tmp/ah -cp $(cat /tmp/ah/cp.txt) bench/overhead/AuthHeaderEncode.java
//   java -cp /tmp/ah:$(cat /tmp/ah/cp.txt) AuthHeaderEncode
import java.lang.management.ManagementFactory;
import java.util.Arrays;

import com.sun.management.ThreadMXBean;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.impl.headers.HeadersMultiMap;

public class AuthHeaderEncode {

    static final int REQUESTS = 200_000;
    static final int PAIRS = 7;

    public static void main(String[] args) {
        // As long as the simulator's token (and Entra's): a JWT of ~1.3 KB.
        StringBuilder jwt = new StringBuilder("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.");
        while (jwt.length() < 1300) {
            jwt.append("eyJhdWQiOiJodHRwczovL2FwaS5idXNpbmVzc2NlbnRyYWwuZHluYW1pY3MuY29tIn0");
        }
        String header = "Bearer " + jwt;
        CharSequence before = header;
        CharSequence after = HttpHeaders.createOptimized(header);
        ByteBuf wire = Unpooled.buffer(4096);
        for (int w = 0; w < 5; w++) {
            measure(before, wire);
            measure(after, wire);
        }
        long[][] b = new long[PAIRS][], a = new long[PAIRS][];
        for (int p = 0; p < PAIRS; p++) {
            b[p] = measure(before, wire);
            a[p] = measure(after, wire);
        }
        System.out.printf("java %s, token header %d chars, %d requests per measurement, %d interleaved pairs, medians%n",
                System.getProperty("java.version"), header.length(), REQUESTS, PAIRS);
        System.out.println("| header value | CPU ns/request | B/request |");
        System.out.println("|---|---|---|");
        System.out.printf("| String (before) | %d | %d |%n", median(b, 1), median(b, 0));
        System.out.printf("| AsciiString made once (after) | %d | %d |%n", median(a, 1), median(a, 0));
    }

    /** A client request's headers as the gateway sends them, with the token, encoded into the request head. */
    static long[] measure(CharSequence authorization, ByteBuf wire) {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long sink = 0;
        long a0 = mx.getThreadAllocatedBytes(id), t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < REQUESTS; i++) {
            HeadersMultiMap h = HeadersMultiMap.httpHeaders();
            h.set(HttpHeaders.HOST, "127.0.0.1:41234");
            h.set(HttpHeaders.ACCEPT, "application/json");
            h.set(HttpHeaders.AUTHORIZATION, authorization);
            wire.clear();
            h.encode(wire);
            sink += wire.writerIndex();
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
}
