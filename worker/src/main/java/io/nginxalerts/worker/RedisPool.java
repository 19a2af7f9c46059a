package io.nginxalerts.worker;

import io.nginxalerts.core.redis.RedisEndpoint;
import java.time.Duration;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/** The worker's pooled Redis client for an endpoint. */
final class RedisPool {
    private RedisPool() {}

    /**
     * A pooled client. Connections are made lazily, so this succeeds while Redis is down; broken
     * connections are dropped from the pool and replaced on the next command.
     *
     * @param blockingTimeout socket timeout for blocking commands (BLMOVE): longer than their own
     *     timeout, so that a server that vanished without closing the connection is noticed
     */
    static RedisClient open(RedisEndpoint endpoint, Duration blockingTimeout) {
        DefaultJedisClientConfig config =
                endpoint.clientConfig("nginx-alerts-worker")
                        .connectionTimeoutMillis(2_000)
                        .socketTimeoutMillis(5_000)
                        .blockingSocketTimeoutMillis((int) blockingTimeout.toMillis())
                        .build();
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(8);
        pool.setMaxIdle(8);
        pool.setMaxWait(Duration.ofSeconds(5));
        // No testOnBorrow (a PING per command): a connection broken by a Redis restart fails one
        // command, which RedisGuard retries, and the pool replaces it.
        return RedisClient.builder()
                .hostAndPort(endpoint.host(), endpoint.port())
                .clientConfig(config)
                .poolConfig(pool)
                .build();
    }
}
