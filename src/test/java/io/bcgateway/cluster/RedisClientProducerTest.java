package io.bcgateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.bcgateway.config.RedisConfig;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

/** Cluster mode's Redis client options, read from the keys Quarkus' Redis extension used to read. */
class RedisClientProducerTest {

    @Test
    void theExtensionsKeysStillConfigureTheClient() {
        RedisOptions options = RedisClientProducer.options(config(Map.of(
                "gateway.cluster.redis.hosts", "rediss://a.example:6380, redis://b.example:6379",
                "gateway.cluster.redis.password", "from-a-mounted-secret", "gateway.cluster.redis.client-type", "Cluster")));
        assertEquals(List.of("rediss://a.example:6380", "redis://b.example:6379"), options.getEndpoints());
        assertEquals(RedisClientType.CLUSTER, options.getType());
        assertEquals("from-a-mounted-secret", options.getPassword());
        assertEquals(4096, options.getMaxPoolWaiting(), "a burst of releases waits for a connection");
        assertEquals(6, options.getMaxPoolSize());
    }

    @Test
    void clusterModeWithoutRedisOrWithAnUnsupportedTopologyRefusesToStart() {
        ConfigurationException none = assertThrows(ConfigurationException.class,
                () -> RedisClientProducer.options(config(Map.of())));
        assertTrue(none.getMessage().contains("gateway.cluster.redis.hosts") && none.getMessage().contains("GATEWAY_CLUSTER_REDIS_HOSTS"),
                none.getMessage());
        ConfigurationException sentinel = assertThrows(ConfigurationException.class,
                () -> RedisClientProducer.options(config(Map.of("gateway.cluster.redis.hosts", "redis://r:6379",
                        "gateway.cluster.redis.client-type", "sentinel"))));
        assertTrue(sentinel.getMessage().contains("standalone or cluster"), sentinel.getMessage());
    }

    private static RedisConfig config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().withMapping(RedisConfig.class).withDefaultValues(values).build()
                .getConfigMapping(RedisConfig.class);
    }
}
