package io.bcgateway.upstream;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

/**
 * A TCP hop on loopback in front of the simulator, for the transport faults the simulator cannot make itself: a
 * port that refuses connections (nothing listens yet), a connection that forwards the request to BC and then breaks
 * off before BC's answer reaches the gateway, and a canned answer for a status the simulator never gives. Every
 * other connection is forwarded byte for byte. Only on 127.0.0.1.
 */
final class LoopbackFront implements AutoCloseable {

    private final Vertx vertx;
    private final String targetHost;
    private final int targetPort;
    private final NetClient client;
    private final AtomicInteger dropAnswers = new AtomicInteger();
    private final AtomicInteger cannedAnswers = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile String canned;
    private NetServer server;
    private int port;

    LoopbackFront(Vertx vertx, String targetHost, int targetPort) {
        this.vertx = vertx;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.client = vertx.createNetClient();
    }

    /** Listens on {@code port} (0: any free one) and returns the port. */
    int listen(int port) throws Exception {
        server = vertx.createNetServer().connectHandler(this::accept);
        server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        this.port = server.actualPort();
        return this.port;
    }

    /** Stops listening: connections to the port are refused until {@link #listen} again. */
    void stopListening() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    int port() {
        return port;
    }

    /** The next {@code n} connections forward their request to BC and break off before BC's answer comes back. */
    void dropAnswers(int n) {
        dropAnswers.set(n);
    }

    /** The next {@code n} connections get {@code rawResponse} instead of reaching BC. */
    void cannedAnswers(int n, String rawResponse) {
        canned = rawResponse;
        cannedAnswers.set(n);
    }

    /** Connections accepted since the start. */
    int connections() {
        return connections.get();
    }

    private void accept(NetSocket caller) {
        connections.incrementAndGet();
        if (cannedAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            String answer = canned;
            caller.handler(request -> caller.end(Buffer.buffer(answer)).onComplete(v -> caller.close()));
            return;
        }
        boolean drop = dropAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        caller.pause();
        client.connect(targetPort, targetHost).onComplete(ar -> {
            if (ar.failed()) {
                caller.close();
                return;
            }
            NetSocket bc = ar.result();
            caller.pipeTo(bc);
            if (drop) {
                // BC has the request (it may have executed it); its answer never reaches the gateway.
                bc.handler(answer -> {
                    caller.close();
                    bc.close();
                });
            } else {
                bc.pipeTo(caller);
            }
            bc.closeHandler(v -> caller.close());
            caller.closeHandler(v -> bc.close());
            caller.resume();
        });
    }

    @Override
    public void close() throws Exception {
        client.close();
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
