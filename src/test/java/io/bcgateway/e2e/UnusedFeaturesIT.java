package io.bcgateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.bcgateway.testing.JavaProcess;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;

/**
 * Issue 14, "nothing runs for a feature the configuration does not use": the packaged gateway in the production
 * profile, one connection, no demo, no cluster, tracing off (the default), is started and answers its first proxied
 * GET; the JVM's class-loading log ({@code -Xlog:class+load}) then holds no class of the simulator, of a Redis
 * client, of recorded or exported spans, of the fan-out engine, of Jackson's data binding, of the Micrometer
 * binders the build leaves out or of the JVM meters bound at the first scrape. A fan-out request and a scrape
 * afterwards load the fan-out engine's and the JVM meters' classes, which shows that the log would have caught them.
 */
class UnusedFeaturesIT {

    private static final String CLIENT = "7e57ab1e-0000-4000-8000-00000000f014";
    private static final String SECRET = "unused-features-secret-14";
    private static final Pattern MANAGEMENT_LISTENING =
            Pattern.compile("Management interface listening on (http://[^\\s]+:\\d+)");
    private static final Pattern LOADED = Pattern.compile("\\[class,load\\s*\\] (\\S+) source:");

    /** Packages and classes that only an unused feature needs, each with the feature that would have loaded it. */
    private static final List<String[]> UNUSED = List.of(
            new String[] {"io.bcgateway.simulator.", "demo mode is off: the simulator"},
            new String[] {"io.vertx.redis.client.impl.", "cluster mode is off: a Redis client"},
            new String[] {"io.bcgateway.cluster.ClusterAdmission", "cluster mode is off: the shared admission"},
            // The gateway makes its Redis client itself, only in cluster mode (cluster/RedisClientProducer); Quarkus'
            // Redis extension set itself up at every start and brought Quarkus' ObjectMapper producer with it.
            new String[] {"io.quarkus.redis.", "cluster mode is off: Quarkus' Redis extension"},
            new String[] {"io.quarkus.jackson.", "nothing binds POJOs: Quarkus' ObjectMapper producer"},
            new String[] {"com.fasterxml.jackson.databind.ObjectMapper", "nothing binds POJOs: Jackson's ObjectMapper"},
            // The default build keeps the OpenTelemetry extension, which sets up the SDK's disabled form at start
            // (Quarkus' Vert.x tracer asks for it); tracing off means no span is recorded and none is exported.
            new String[] {"io.opentelemetry.sdk.trace.SdkSpan", "tracing is off: a recorded span"},
            new String[] {"io.opentelemetry.sdk.trace.export.BatchSpanProcessor", "tracing is off: a span exporter"},
            new String[] {"io.bcgateway.fanout.FanoutRun", "no fan-out yet: the fan-out engine"},
            new String[] {"io.bcgateway.fanout.BcClient", "no fan-out yet: the gateway's own BC client"},
            new String[] {"io.bcgateway.fanout.CompanyDirectory", "no fan-out yet: the company directory"},
            new String[] {"io.bcgateway.fanout.BatchSplitter", "no fan-out yet: the $batch splitter"},
            // Micrometer binders for what the gateway does not run or report, built out in application.properties.
            new String[] {"io.quarkus.micrometer.runtime.binder.grpc.", "no gRPC: the gRPC metrics interceptors"},
            new String[] {"io.quarkus.micrometer.runtime.binder.netty.", "no Netty allocator metrics: their binder"},
            new String[] {"io.micrometer.core.instrument.binder.netty4.", "no Netty allocator metrics: their meters"},
            new String[] {"io.quarkus.micrometer.runtime.binder.redis.", "cluster mode is off: Redis command metrics"},
            // The JVM's and the process's meters are bound at the first scrape (metrics/JvmMetricsOnScrape).
            new String[] {"io.micrometer.core.instrument.binder.jvm.", "no scrape yet: the JVM's meters"},
            new String[] {"io.micrometer.core.instrument.binder.system.", "no scrape yet: the process's meters"},
            // Cluster mode's lease ids take a random part; without cluster mode no SecureRandom is seeded for them.
            new String[] {"io.bcgateway.cluster.ClusterQuotas$$Lambda", "cluster mode is off: the lease heartbeat"});

    @TempDir
    Path dir;

    private final SimulatorProcess simulatorProcess = new SimulatorProcess();
    private SimulatorClient simulator;
    private JavaProcess gateway;

    @BeforeEach
    void startSimulator() {
        simulator = new SimulatorClient(simulatorProcess.start().get("gateway.connections.sim.base-url"));
        simulator.registerApp(CLIENT, SECRET);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        simulatorProcess.stop();
    }

    @Test
    void unusedFeaturesLoadNoneOfTheirClassesUntilUsed() throws Exception {
        Path log = dir.resolve("classes.log");
        String base = start(log);
        assertEquals(200, get(base + "/bc/lean/api/v2.0/companies").statusCode(), "the first proxied GET");

        // The log is complete up to the first answer: the proxy's own classes are in it.
        Set<String> loaded = awaitLoaded(log, "io.bcgateway.proxy.ProxyExchange");
        List<String> offending = new ArrayList<>();
        for (String[] unused : UNUSED) {
            loaded.stream().filter(c -> c.startsWith(unused[0])).findFirst()
                    .ifPresent(c -> offending.add(unused[1] + " (" + c + ")"));
        }
        assertTrue(offending.isEmpty(), "loaded at start or by a proxied GET: " + offending);

        // The same log shows a feature once it is used.
        HttpResponse<String> fanout = get(base + "/fanout/lean/companies/customers?$select=id&$top=1");
        assertEquals(200, fanout.statusCode(), fanout.body());
        assertTrue(awaitLoaded(log, "io.bcgateway.fanout.FanoutRun").contains("io.bcgateway.fanout.CompanyDirectory"),
                "a fan-out loads the fan-out engine");

        // The first scrape binds the JVM's and the process's meters and already shows them.
        String management = gateway.firstMatch(MANAGEMENT_LISTENING);
        HttpResponse<String> scrape = get(management + "/q/metrics");
        assertEquals(200, scrape.statusCode());
        for (String meter : List.of("jvm_memory_used_bytes{", "jvm_gc_memory_allocated_bytes_total ",
                "process_cpu_usage ", "process_uptime_seconds ", "system_cpu_count ")) {
            assertTrue(scrape.body().contains("\n" + meter), "the first scrape has " + meter);
        }
        assertTrue(awaitLoaded(log, "io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics")
                .contains("io.micrometer.core.instrument.binder.system.ProcessorMetrics"), "bound at the first scrape");
    }

    /** The packaged gateway, production profile, one connection "lean", its class loading logged to {@code log}. */
    private String start(Path log) {
        String p = "-Dgateway.connections.lean.";
        gateway = JavaProcess.startPackagedGateway(List.of("-Xlog:class+load=info:file=" + log,
                p + "tenant-id=" + SimulatorClient.TENANT, p + "client-id=" + CLIENT, p + "client-secret=" + SECRET,
                p + "environment=production", p + "base-url=" + simulator.baseUrl(),
                p + "token-url=" + simulator.tokenUrl()));
        return gateway.awaitReady();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The classes in the log once it names {@code marker} (another process's file: polled, up to 30 s). */
    private static Set<String> awaitLoaded(Path log, String marker) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Set<String> loaded = new TreeSet<>();
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    Matcher m = LOADED.matcher(line);
                    if (m.find()) {
                        loaded.add(m.group(1));
                    }
                }
            }
            if (loaded.contains(marker) || System.nanoTime() > deadline) {
                assertTrue(loaded.contains(marker), "the class-loading log names " + marker);
                return loaded;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
