// CPU ns and bytes allocated per request for the gateway's own meters (issue 15, round 4): what ConnectionMetrics
// records per proxied request (the requests counter, the request and upstream timers, the admission timer, the
// response bytes counter; timers with the gateway's 14 SLO buckets) on meters registered with Quarkus' global
// composite registry holding one Prometheus registry (before), against the same meters registered with that
// Prometheus registry itself (after, GatewayMetrics.direct). Interleaved in one JVM (ABAB..., medians).
//   java -cp 'target/quarkus-app/lib/main/*' bench/overhead/MeterDirectCost.java
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import com.sun.management.ThreadMXBean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

public class MeterDirectCost {

    static final int REQUESTS = 200_000;
    static final int PAIRS = 7;
    static final Duration[] BUCKETS = { Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120) };

    record Meters(Counter requests, Timer request, Timer upstream, Timer admission, Counter bytes) {
        static Meters on(MeterRegistry r, String connection) {
            return new Meters(Counter.builder("bc.gateway.requests").tags("connection", connection).register(r),
                    Timer.builder("bc.gateway.request.duration").tags("connection", connection)
                            .serviceLevelObjectives(BUCKETS).register(r),
                    Timer.builder("bc.gateway.upstream.duration").tags("connection", connection)
                            .serviceLevelObjectives(BUCKETS).register(r),
                    Timer.builder("bc.gateway.admission.wait").tags("connection", connection)
                            .serviceLevelObjectives(BUCKETS).register(r),
                    Counter.builder("bc.gateway.response.bytes").tags("connection", connection).register(r));
        }

        void request(long nanos) {
            admission.record(nanos / 100, TimeUnit.NANOSECONDS);
            upstream.record(nanos / 2, TimeUnit.NANOSECONDS);
            requests.increment();
            request.record(nanos, TimeUnit.NANOSECONDS);
            bytes.increment(17452);
        }
    }

    public static void main(String[] args) {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CompositeMeterRegistry composite = new CompositeMeterRegistry();
        composite.add(prometheus);
        Meters before = Meters.on(composite, "viaComposite");
        Meters after = Meters.on(prometheus, "direct");
        for (int w = 0; w < 5; w++) {
            measure(before);
            measure(after);
        }
        long[][] b = new long[PAIRS][], a = new long[PAIRS][];
        for (int p = 0; p < PAIRS; p++) {
            b[p] = measure(before);
            a[p] = measure(after);
        }
        System.out.printf("java %s, %d requests per measurement, %d interleaved pairs, medians%n",
                System.getProperty("java.version"), REQUESTS, PAIRS);
        System.out.println("| meters registered with | CPU ns/request | B/request |");
        System.out.println("|---|---|---|");
        System.out.printf("| the composite (before) | %d | %d |%n", median(b, 1), median(b, 0));
        System.out.printf("| the Prometheus registry (after) | %d | %d |%n", median(a, 1), median(a, 0));
        String scrape = prometheus.scrape();
        if (!scrape.contains("connection=\"viaComposite\"") || !scrape.contains("connection=\"direct\"")) {
            throw new AssertionError("both sets of meters must be in the scrape");
        }
    }

    static long[] measure(Meters meters) {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long a0 = mx.getThreadAllocatedBytes(id), t0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < REQUESTS; i++) {
            meters.request(1_000_000L + (i & 0xFFFF) * 1000L);
        }
        long t1 = mx.getCurrentThreadCpuTime(), a1 = mx.getThreadAllocatedBytes(id);
        return new long[] { (a1 - a0) / REQUESTS, (t1 - t0) / REQUESTS };
    }

    static long median(long[][] runs, int k) {
        long[] v = Arrays.stream(runs).mapToLong(r -> r[k]).sorted().toArray();
        return v[v.length / 2];
    }
}
