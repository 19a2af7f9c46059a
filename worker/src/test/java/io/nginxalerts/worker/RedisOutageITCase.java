package io.nginxalerts.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.RedisExtension;
import io.nginxalerts.testing.TestAlerts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** Workers ride out a Redis restart: they reconnect, log the outage once, and lose nothing. */
class RedisOutageITCase {
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension().freshPerTest();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Logger guardLog = Logger.getLogger(RedisGuard.class.getName());
    private final Handler capture =
            new Handler() {
                @Override
                public void publish(LogRecord r) {
                    if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                        warnings.add(r.getMessage());
                    }
                }

                @Override
                public void flush() {}

                @Override
                public void close() {}
            };

    @BeforeEach
    void captureLog() {
        guardLog.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        guardLog.removeHandler(capture);
    }

    @Test
    void workersWaitingDuringARedisRestartReconnectAndDeliverWhatIsPushedAfterwards()
            throws Exception {
        try (Workers workers = new Workers(REDIS.url(), "restart")) {
            RecordingOutput out1 = new RecordingOutput();
            RecordingOutput out2 = new RecordingOutput();
            AlertDrainer w1 = workers.start("w1", out1);
            AlertDrainer w2 = workers.start("w2", out2);
            try (RedisClient redis = RedisClient.create(REDIS.url())) {
                redis.lpush(workers.list(), TestAlerts.json("before"));
                Poll.until(TIMEOUT, "the first alert", () -> out1.size() + out2.size() == 1);
            }

            REDIS.stop();
            Poll.until(TIMEOUT, "both workers to notice", () -> !w1.redisUp() && !w2.redisUp());
            assertThat(w1.redisHealthy()).isFalse();
            REDIS.startAgain();

            try (RedisClient redis = RedisClient.create(REDIS.url())) {
                for (int i = 0; i < 20; i++) {
                    redis.lpush(workers.list(), TestAlerts.json("after-" + i));
                }
                Poll.until(
                        TIMEOUT,
                        "20 alerts after the restart",
                        () -> out1.size() + out2.size() == 21);
                Poll.until(TIMEOUT, "both workers reconnected", () -> w1.redisUp() && w2.redisUp());
                assertThat(redis.llen(workers.list())).isZero();
            }
            assertThat(w1.redisHealthy()).isTrue();
            // One line when the outage starts, per worker; not one per retry.
            assertThat(warnings).hasSize(2).allMatch(m -> m.contains("is unavailable"));
            assertThat(w1.metrics().redisOutages.sum()).isEqualTo(1);
            assertThat(w2.metrics().redisOutages.sum()).isEqualTo(1);
        }
    }
}
