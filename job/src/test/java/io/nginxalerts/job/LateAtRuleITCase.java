package io.nginxalerts.job;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.job.testing.JobArgs;
import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.job.testing.RedisAlerts;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Partition idleness lets a rule's event time run ahead of a quiet partition; when that partition
 * resumes with older events they are behind the rule's watermark though not behind their own
 * subtask's. They must become dead letters with reason {@code late}, never vanish inside the
 * matching operator (the grouped operator or CEP).
 */
class LateAtRuleITCase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @Test
    void eventsOfAPartitionThatResumesBehindTheRuleBecomeLateDeadLetters(
            @InjectMiniCluster MiniCluster miniCluster) throws Exception {
        KAFKA.createTopic("late-topic", 2);
        KAFKA.createTopic("late-dlq", 1);
        JobSettings settings =
                JobArgs.of(
                                KAFKA.bootstrapServers(),
                                "late-topic",
                                "late-dlq",
                                REDIS.url(),
                                "late:alerts")
                        .with("events.idle-flush-after", "0s")
                        .settings();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        AlertJob.build(env, settings, List.of(TestRules.clientErrorsBurst()));
        JobClient job = env.executeAsync("late at rule");
        try {
            // Partition 0 moves on to 10:05; partition 1 stays quiet and goes idle.
            List<String> ahead = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ahead.add(request(300 + i, "198.51.100.7").status(404).line());
            }
            // A later request moves event time past the burst, so its match completes.
            ahead.add(request(330, "198.51.100.8").line());
            KAFKA.produceLines("late-topic", 0, ahead);
            // The burst's alert comes only once the rule's event time has passed the burst.
            assertThat(RedisAlerts.await(REDIS.port(), "late:alerts", 1, Duration.ofSeconds(60)))
                    .singleElement()
                    .satisfies(alert -> assertThat(alert.key()).containsValue("198.51.100.7"));

            // Partition 1 resumes with a burst from 10:00: behind the rule, not behind its
            // own subtask (which has seen nothing yet).
            List<String> behind = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                behind.add(request(i, "203.0.113.66").status(404).line());
            }
            KAFKA.produceLines("late-topic", 1, behind);

            List<String> dead = KAFKA.consume("late-dlq", 20, Duration.ofSeconds(60));
            assertThat(dead)
                    .hasSize(20)
                    .allSatisfy(
                            d ->
                                    assertThat(d)
                                            .contains("\"reason\":\"late\"")
                                            .contains("\"topic\":\"rule client-errors-burst\"")
                                            .contains("203.0.113.66"));
        } finally {
            job.cancel().get();
        }
        try (Jedis jedis = new Jedis("127.0.0.1", REDIS.port())) {
            // The burst on partition 0 alerted; the late one did not, and was not lost.
            assertThat(jedis.lrange("late:alerts", 0, -1))
                    .hasSize(1)
                    .allSatisfy(a -> assertThat(a).contains("198.51.100.7"));
        }
    }
}
