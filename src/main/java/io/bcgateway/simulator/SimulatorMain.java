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
 * <pre>--port N (0 = random, default) --host H (default 127.0.0.1) --companies N --customers-per-company N --token-lifetime S</pre>
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
                default -> throw new IllegalArgumentException("Unknown flag " + flag
                        + " (known: --port --host --companies --customers-per-company --token-lifetime)");
            }
        }
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
