package io.bcgateway.cluster;

import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import io.bcgateway.config.ConfigRefusal;
import io.bcgateway.config.RedisConfig;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

/**
 * The Vert.x Redis client of cluster mode (quotas, idempotency records and webhook state shared by the replicas).
 * Made on the first {@code Instance<Redis>.get()}, which only cluster mode calls: a gateway without cluster mode
 * makes no client and opens no connection.
 *
 * <p>Why not Quarkus' Redis extension: it sets up its configuration, six synthetic client beans and its codecs at
 * every start, cluster mode or not, and it brings Quarkus' Jackson extension, whose {@code ObjectMapper} producer
 * the JDK AOT cache then holds with ~300 data-binding classes: 6 MB of idle RSS for a feature that is off by
 * default (docs/deployment.md, "Idle RSS").
 */
@ApplicationScoped
public class RedisClientProducer {

    @Produces
    @ApplicationScoped
    Redis redis(Vertx vertx, RedisConfig config) {
        return Redis.createClient(vertx, options(config));
    }

    void close(@Disposes Redis redis) {
        redis.close();
    }

    static RedisOptions options(RedisConfig config) {
        List<String> hosts = config.hosts().orElse(List.of()).stream().map(String::strip)
                .filter(h -> !h.isEmpty()).toList();
        if (hosts.isEmpty()) {
            throw ConfigRefusal.of("gateway.cluster.redis.hosts", "cluster mode (gateway.cluster.enabled=true) needs Redis, "
                    + "e.g. redis://redis-master:6379");
        }
        RedisClientType type = switch (config.clientType().strip().toLowerCase(Locale.ROOT)) {
            case "standalone" -> RedisClientType.STANDALONE;
            case "cluster" -> RedisClientType.CLUSTER;
            default -> throw ConfigRefusal.of("gateway.cluster.redis.client-type", "must be standalone or cluster, not '"
                    + config.clientType() + "'");
        };
        RedisOptions options = new RedisOptions().setType(type).setMaxPoolSize(config.maxPoolSize())
                .setMaxPoolWaiting(config.maxPoolWaiting());
        hosts.forEach(options::addConnectionString);
        config.password().ifPresent(options::setPassword);
        return options;
    }
}
