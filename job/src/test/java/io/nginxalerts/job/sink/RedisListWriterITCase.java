package io.nginxalerts.job.sink;

import static io.nginxalerts.testing.TestAlerts.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.redis.RedisEndpoint;
import io.nginxalerts.testing.RedisExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** {@link RedisListWriter} against a real redis-server, including losing it. */
class RedisListWriterITCase {
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension().freshPerTest();

    @Test
    void pushesEachAlertAsJsonSoConsumersPopThemOldestFirst() throws Exception {
        try (RedisListWriter writer = writer("alerts", Duration.ofSeconds(5))) {
            writer.write(alert("a1"), null);
            writer.write(alert("a2"), null);
            writer.write(alert("a3"), null);
            // No flush: each alert must already be in Redis.
            try (Jedis jedis = jedis()) {
                assertThat(jedis.llen("alerts")).isEqualTo(3);
                assertThat(AlertCodec.decode(jedis.rpop("alerts")).id()).isEqualTo("a1");
                assertThat(AlertCodec.decode(jedis.rpop("alerts")).id()).isEqualTo("a2");
                assertThat(AlertCodec.decode(jedis.rpop("alerts")).id()).isEqualTo("a3");
            }
        }
    }

    @Test
    void retriesUntilRedisIsBackWithinTheRetryTimeout() throws Exception {
        try (RedisListWriter writer = writer("alerts", Duration.ofSeconds(60))) {
            writer.write(alert("before"), null);
            REDIS.stop();
            CompletableFuture<Void> write =
                    CompletableFuture.runAsync(
                            () -> {
                                try {
                                    writer.write(alert("during-outage"), null);
                                } catch (IOException | InterruptedException e) {
                                    throw new RuntimeException(e);
                                }
                            });
            REDIS.startAgain();
            write.get(60, TimeUnit.SECONDS);
            try (Jedis jedis = jedis()) {
                // The restarted server has no persistence: only the alert written after it.
                assertThat(jedis.lrange("alerts", 0, -1))
                        .extracting(json -> AlertCodec.decode(json).id())
                        .containsExactly("during-outage");
            }
        }
    }

    @Test
    void failsAfterTheRetryTimeoutSoFlinkRestartsFromTheCheckpoint() throws Exception {
        RedisEndpoint endpoint =
                RedisEndpoint.parse("redis://app:s3cret@127.0.0.1:" + REDIS.port());
        try (RedisListWriter writer =
                new RedisListWriter(
                        endpoint,
                        "alerts",
                        Duration.ofMillis(500),
                        UnregisteredMetricsGroup.createSinkWriterMetricGroup())) {
            REDIS.stop();
            assertThatThrownBy(() -> writer.write(alert("lost?"), null))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("127.0.0.1:" + REDIS.port())
                    .hasMessageNotContaining("s3cret");
        }
    }

    private RedisListWriter writer(String list, Duration retryTimeout) {
        return new RedisListWriter(
                RedisEndpoint.parse(REDIS.url()),
                list,
                retryTimeout,
                UnregisteredMetricsGroup.createSinkWriterMetricGroup());
    }

    private Jedis jedis() {
        return new Jedis("127.0.0.1", REDIS.port());
    }
}
