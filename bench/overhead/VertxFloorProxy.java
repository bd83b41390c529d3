import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The floor of the gateway's stack: the nginx comparison done with bare Vert.x (the same Vert.x and Netty jars the
 * gateway ships), one event loop, a keep-alive upstream pool, a fixed Authorization header (the environment's
 * {@code FLOOR_AUTHORIZATION}, by default {@code Bearer x}; bench/overhead.sh passes a token as long as the one the
 * gateway injects, made once as an {@code AsciiString}, the cheapest form to validate and encode), the body piped through.
 * No Quarkus, no router, no token cache, admission, breaker, header filtering, nextLink scan, metrics or log line.
 * Whatever this costs per request, no gateway built on Vert.x's HTTP server and client can cost less; the gap
 * between it and the gateway is what the gateway's own features cost.
 *
 * <p>Run as a single-file program on the gateway's class path (bench/overhead.sh does this):
 * {@code java -cp 'target/quarkus-app/lib/main/*' bench/overhead/VertxFloorProxy.java <port> <upstream port> <prefix>}.
 * Requests to {@code /bc/bench/<rest>} go to {@code http://127.0.0.1:<upstream port>/<prefix>/<rest>}.
 */
public final class VertxFloorProxy {

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int upstreamPort = Integer.parseInt(args[1]);
        String prefix = args[2];
        String routePrefix = "/bc/bench/";
        CharSequence authorization = HttpHeaders.createOptimized(
                System.getenv().getOrDefault("FLOOR_AUTHORIZATION", "Bearer x"));
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        // The same upstream settings as the gateway's Connections: keep-alive, 64 KiB pieces, no HTTP/2.
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setMaxChunkSize(64 * 1024)
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(upstreamPort), new PoolOptions().setHttp1MaxSize(128));
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setTcpNoDelay(true))
                .requestHandler(request -> {
                    String uri = request.uri();
                    if (!uri.startsWith(routePrefix)) {
                        request.response().setStatusCode(404).end();
                        return;
                    }
                    request.pause();
                    RequestOptions upstream = new RequestOptions().setMethod(request.method())
                            .setURI(prefix + "/" + uri.substring(routePrefix.length()));
                    // As nginx's proxy_pass: the caller's headers go on, except Host and Connection.
                    request.headers().forEach(h -> {
                        if (!h.getKey().equalsIgnoreCase("host") && !h.getKey().equalsIgnoreCase("connection")) {
                            upstream.addHeader(h.getKey(), h.getValue());
                        }
                    });
                    client.request(upstream)
                            .compose(up -> {
                                // On the request itself: RequestOptions' headers are copied in as Strings.
                                up.putHeader(HttpHeaders.AUTHORIZATION, authorization);
                                return up.send(request);
                            })
                            .onSuccess(answer -> {
                                request.response().setStatusCode(answer.statusCode());
                                answer.headers().forEach(h -> {
                                    if (!h.getKey().equalsIgnoreCase("connection")) {
                                        request.response().headers().add(h.getKey(), h.getValue());
                                    }
                                });
                                answer.pipeTo(request.response());
                            })
                            .onFailure(failure -> request.response().setStatusCode(502).end());
                })
                .listen()
                .onSuccess(server -> System.out.println("vertx floor proxy on 127.0.0.1:" + server.actualPort()))
                .onFailure(failure -> {
                    failure.printStackTrace();
                    System.exit(1);
                });
    }
}
