package io.nginxalerts.job.sink;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.redis.RedisEndpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The writer of {@link RedisListSink}: one connection per parallel writer, one {@code LPUSH} per
 * alert, synchronously, so that when {@link #write} returns the alert is in Redis. Nothing is
 * buffered, so {@link #flush} has nothing to do and a checkpoint never waits on Redis.
 */
public final class RedisListWriter implements SinkWriter<Alert> {
    private static final Logger LOG = LoggerFactory.getLogger(RedisListWriter.class);
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final RedisEndpoint endpoint;
    private final String listKey;
    private final Duration retryTimeout;
    private final Counter writes;
    private final Counter retries;
    private Jedis jedis;

    public RedisListWriter(
            RedisEndpoint endpoint, String listKey, Duration retryTimeout, MetricGroup metrics) {
        this.endpoint = endpoint;
        this.listKey = listKey;
        this.retryTimeout = retryTimeout;
        MetricGroup group = metrics.addGroup("nginx_alerts").addGroup("redis");
        this.writes = group.counter("writes");
        this.retries = group.counter("retries");
    }

    @Override
    public void write(Alert alert, Context context) throws IOException, InterruptedException {
        String json = AlertCodec.encode(alert);
        long deadline = System.nanoTime() + retryTimeout.toNanos();
        long backoff = FIRST_BACKOFF_MILLIS;
        boolean warned = false;
        while (true) {
            try {
                connection().lpush(listKey, json);
                writes.inc();
                if (warned) {
                    LOG.info("Redis {} reachable again; alert {} written", endpoint, alert.id());
                }
                return;
            } catch (JedisConnectionException e) {
                closeQuietly();
                if (System.nanoTime() >= deadline) {
                    throw new IOException(
                            "could not LPUSH to "
                                    + endpoint
                                    + " list "
                                    + listKey
                                    + " for "
                                    + retryTimeout
                                    + "; failing so the job restarts from its last checkpoint",
                            e);
                }
                if (!warned) {
                    LOG.warn(
                            "Redis {} unreachable ({}); retrying for up to {}",
                            endpoint,
                            e.getMessage(),
                            retryTimeout);
                    warned = true;
                }
                retries.inc();
                // Backoff with jitter, so many writers do not reconnect in lockstep.
                Thread.sleep(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            }
        }
    }

    @Override
    public void flush(boolean endOfInput) {
        // Every write is already acknowledged by Redis.
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private Jedis connection() {
        if (jedis == null) {
            DefaultJedisClientConfig config =
                    endpoint.clientConfig("nginx-alerts-job")
                            .connectionTimeoutMillis(2_000)
                            .socketTimeoutMillis(5_000)
                            // LPUSH needs no RESP3; skip the negotiation (and its warning).
                            .autoNegotiateProtocol(false)
                            .build();
            jedis = new Jedis(new HostAndPort(endpoint.host(), endpoint.port()), config);
        }
        return jedis;
    }

    private void closeQuietly() {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // The connection is broken already; a new one is made on the next write.
            }
            jedis = null;
        }
    }
}
