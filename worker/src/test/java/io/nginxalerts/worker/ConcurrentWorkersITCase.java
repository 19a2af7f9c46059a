package io.nginxalerts.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.RedisExtension;
import io.nginxalerts.testing.TestAlerts;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;

/** Several workers on one list share the work without losing or repeating an alert. */
class ConcurrentWorkersITCase {
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension().freshPerTest();

    private static final int ALERTS = 10_000;
    private static final int PUSHED_TWICE = 500;

    @Test
    void threeWorkersDeliverTenThousandAlertsExactlyOnceAndLeaveNoListBehind() throws Exception {
        try (RedisClient redis = RedisClient.create(REDIS.url());
                Workers workers = new Workers(REDIS.url(), "three-workers")) {
            RecordingOutput[] outputs = {
                new RecordingOutput(), new RecordingOutput(), new RecordingOutput()
            };
            for (int w = 0; w < 3; w++) {
                workers.start("w" + w, outputs[w]);
            }
            // Pushed while the workers run, some ids twice (a job replay after a restart).
            try (AbstractPipeline pipe = redis.pipelined()) {
                for (int i = 0; i < ALERTS; i++) {
                    pipe.lpush(workers.list(), TestAlerts.json("a" + i));
                    if (i % (ALERTS / PUSHED_TWICE) == 0) {
                        pipe.lpush(workers.list(), TestAlerts.json("a" + i));
                    }
                }
                pipe.sync();
            }

            Poll.until(
                    Duration.ofSeconds(50),
                    ALERTS + " deliveries",
                    () -> total(outputs) >= ALERTS && redis.llen(workers.list()) == 0);
            Poll.until(
                    Duration.ofSeconds(10),
                    "empty processing lists",
                    () ->
                            redis.keys(workers.list() + ":processing:*").isEmpty()
                                    || processingTotal(redis, workers) == 0);

            Map<String, Integer> deliveries = new HashMap<>();
            for (RecordingOutput out : outputs) {
                out.counts().forEach((id, n) -> deliveries.merge(id, n.get(), Integer::sum));
            }
            assertThat(deliveries).hasSize(ALERTS);
            assertThat(deliveries.values()).containsOnly(1);
            assertThat(total(outputs)).isEqualTo(ALERTS);
            for (RecordingOutput out : outputs) {
                // Each worker did a share of the work.
                assertThat(out.size()).isPositive();
            }
            assertThat(redis.llen(workers.dead())).isZero();
            assertThat(processingTotal(redis, workers)).isZero();
        }
    }

    private static int total(RecordingOutput[] outputs) {
        int sum = 0;
        for (RecordingOutput o : outputs) {
            sum += o.size();
        }
        return sum;
    }

    private static long processingTotal(RedisClient redis, Workers workers) {
        Set<String> keys = redis.keys(workers.list() + ":processing:*");
        long sum = 0;
        for (String k : keys) {
            sum += redis.llen(k);
        }
        return sum;
    }
}
