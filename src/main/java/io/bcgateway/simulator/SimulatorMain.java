package io.bcgateway.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Standalone simulator process (no Quarkus, starts in about a second). Prints exactly one line,
 * {@code BC simulator listening on http://<host>:<port>}, once the port is bound, then runs until killed.
 *
 * <pre>
 * --port N (0 = random, default) --host H (default 127.0.0.1) --companies N --customers-per-company N --token-lifetime S
 * --rate-limit N --rate-window-ms MS --max-running N --max-queued N --queue-timeout-ms MS      (BC's limits per principal)
 * --retry-after-429 off|S --retry-after-503 S --latency-ms MS --latency-jitter-ms MS
 * --fault-rate 0..1 --faults-after-execution true|false --reset-mid-body-rate 0..1
 * --token-endpoint-mode normal|down|slow|throttled --token-endpoint-delay-ms MS
 * </pre>
 */
public final class SimulatorMain {

    private SimulatorMain() { }

    public static void main(String[] args) throws Exception {
        Started s = start(args);
        System.out.println("BC simulator listening on http://" + s.host() + ":" + s.server().actualPort());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            s.simulator().close();
            s.vertx().close();
        }));
    }

    /** A running standalone simulator. */
    public record Started(Vertx vertx, BcSimulator simulator, HttpServer server, String host) { }

    /** Starts a simulator from command-line flags and waits until it listens. */
    public static Started start(String[] args) throws Exception {
        int port = 0;
        String host = "127.0.0.1";
        SimulatorSettings settings = SimulatorSettings.defaults();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) throw new IllegalArgumentException("Missing value for " + flag);
            String value = args[++i];
            switch (flag) {
                case "--port" -> port = Integer.parseInt(value);
                case "--host" -> host = value;
                case "--companies" -> settings.companies(Integer.parseInt(value));
                case "--customers-per-company" -> settings.customersPerCompany(Integer.parseInt(value));
                case "--token-lifetime" -> settings.tokenLifetimeSeconds(Integer.parseInt(value));
                case "--rate-limit" -> settings.rateLimitRequests(Integer.parseInt(value));
                case "--rate-window-ms" -> settings.rateWindowMillis(Long.parseLong(value));
                case "--max-running" -> settings.maxRunning(Integer.parseInt(value));
                case "--max-queued" -> settings.maxQueued(Integer.parseInt(value));
                case "--queue-timeout-ms" -> settings.queueTimeoutMillis(Long.parseLong(value));
                case "--retry-after-429" -> settings.retryAfterOn429Seconds(value.equalsIgnoreCase("off") ? null : Integer.valueOf(value));
                case "--retry-after-503" -> settings.retryAfterOn503Seconds(Integer.parseInt(value));
                case "--latency-ms" -> settings.latencyMillis(Integer.parseInt(value));
                case "--latency-jitter-ms" -> settings.latencyJitterMillis(Integer.parseInt(value));
                case "--fault-rate" -> settings.faultRate(Double.parseDouble(value));
                case "--faults-after-execution" -> settings.faultsAfterExecution(parseBoolean(flag, value));
                case "--reset-mid-body-rate" -> settings.resetMidBodyRate(Double.parseDouble(value));
                case "--token-endpoint-mode" -> settings.tokenEndpointMode(SimulatorSettings.TokenEndpointMode.parse(value));
                case "--token-endpoint-delay-ms" -> settings.tokenEndpointDelayMillis(Integer.parseInt(value));
                default -> throw new IllegalArgumentException("Unknown flag " + flag + " (known: --port --host --companies "
                        + "--customers-per-company --token-lifetime --rate-limit --rate-window-ms --max-running --max-queued "
                        + "--queue-timeout-ms --retry-after-429 --retry-after-503 --latency-ms --latency-jitter-ms --fault-rate "
                        + "--faults-after-execution --reset-mid-body-rate --token-endpoint-mode --token-endpoint-delay-ms)");
            }
        }
        return listen(port, host, settings);
    }

    private static boolean parseBoolean(String flag, String value) {
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(flag + " must be true or false, was " + value);
        }
        return Boolean.parseBoolean(value);
    }

    private static Started listen(int port, String host, SimulatorSettings settings) throws Exception {
        Vertx vertx = Vertx.vertx();
        BcSimulator sim = BcSimulator.create(vertx, settings);
        CompletableFuture<HttpServer> listening = new CompletableFuture<>();
        vertx.createHttpServer(new HttpServerOptions())
                .requestHandler(sim.router())
                .listen(port, host)
                .onComplete(ar -> {
                    if (ar.succeeded()) listening.complete(ar.result());
                    else listening.completeExceptionally(ar.cause());
                });
        return new Started(vertx, sim, listening.get(30, TimeUnit.SECONDS), host);
    }
}
