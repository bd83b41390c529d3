// Run: java -cp "target/quarkus-app/lib/main/*:target/quarkus-app/app/*" bench/overhead/HeaderFilterAlloc.java (issue #15, change 2)
import java.lang.management.ManagementFactory;
import io.vertx.core.MultiMap;
import io.vertx.core.http.impl.headers.HeadersMultiMap;

/** Bytes allocated per HeaderFilter.copyResponseHeaders + copyRequestHeaders call with nginx's answer headers and wrk's request. */
public class HeaderFilterAlloc {
    public static void main(String[] a) throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        var m = Class.forName("io.bcgateway.proxy.HeaderFilter");
        var resp = m.getMethod("copyResponseHeaders", MultiMap.class, MultiMap.class);
        var req = m.getMethod("copyRequestHeaders", MultiMap.class, MultiMap.class);
        MultiMap answer = HeadersMultiMap.httpHeaders().add("Server", "nginx/1.26.3").add("Date", "Mon, 07 Dec 2026 04:00:00 GMT")
            .add("Content-Type", "application/json").add("Content-Length", "17452").add("Last-Modified", "Mon, 07 Dec 2026 03:00:00 GMT")
            .add("Connection", "keep-alive").add("ETag", "\"6753f0a0-442c\"").add("Accept-Ranges", "bytes");
        MultiMap caller = HeadersMultiMap.httpHeaders().add("Host", "127.0.0.1:8080").add("Accept", "application/json");
        long sink = 0;
        for (int round = 0; round < 6; round++) {
            int n = 200_000;
            long t = Thread.currentThread().getId();
            long before = mx.getThreadAllocatedBytes(t);
            for (int i = 0; i < n; i++) {
                MultiMap to = HeadersMultiMap.httpHeaders();
                resp.invoke(null, answer, to);
                MultiMap up = HeadersMultiMap.httpHeaders();
                req.invoke(null, caller, up);
                sink += to.size() + up.size();
            }
            long after = mx.getThreadAllocatedBytes(t);
            System.out.printf("round %d: %.0f B per request (answer + request headers, incl. the two target maps)%n", round, (after - before) / (double) n);
        }
        System.out.println(sink > 0 ? "" : "?");
    }
}
