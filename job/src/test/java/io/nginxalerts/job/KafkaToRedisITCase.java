package io.nginxalerts.job;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
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
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The streaming job end to end on real components: an in-process KRaft Kafka broker → the job on a
 * MiniCluster → a real redis-server. The attack is the last traffic on the topic, so its alert can
 * only arrive through the idle-source flush.
 */
class KafkaToRedisITCase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();
    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @Test
    void alertsFromKafkaReachRedisAndBadRecordsReachTheDeadLetterTopic() throws Exception {
        String topic = "nginx-e2e";
        String dlq = "nginx-e2e-dlq";
        String list = "test:alerts:e2e";
        KAFKA.createTopic(topic, 2);
        KAFKA.createTopic(dlq, 1);

        JobSettings settings =
                JobArgs.of(KAFKA.bootstrapServers(), topic, dlq, REDIS.url(), list).settings();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(1000);
        AlertJob.build(
                env,
                settings,
                List.of(TestRules.clientErrorsBurst(), TestRules.loginBruteForceSuccess()));
        JobClient job = env.executeAsync("kafka-to-redis test");
        try {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                lines.add(request(i, "198.51.100.1").url("/page/" + i).line());
                if (i % 2 == 0) {
                    // 15 client errors: below the threshold of 20.
                    lines.add(request(i, "198.51.100.2").status(404).line());
                }
            }
            for (int i = 0; i < 25; i++) {
                lines.add(request(40 + i, "203.0.113.9").status(404).url("/.env").line());
            }
            lines.add("GET / HTTP/1.1");
            lines.add("{\"clientip\": \"203.0.113.9\"");
            KAFKA.produceLines(topic, lines);
            KAFKA.produce(topic, List.of(new byte[] {(byte) 0xC3, (byte) 0x28}));

            List<Alert> alerts = RedisAlerts.await(REDIS.port(), list, 1, Duration.ofSeconds(90));
            assertThat(alerts).hasSize(1);
            Alert alert = alerts.get(0);
            assertThat(alert.rule()).isEqualTo("client-errors-burst");
            assertThat(alert.key()).containsEntry("clientip", "203.0.113.9");
            assertThat(alert.count()).isEqualTo(20);

            List<String> dead = KAFKA.consume(dlq, 3, Duration.ofSeconds(60));
            assertThat(dead)
                    .hasSize(3)
                    .anySatisfy(d -> assertThat(d).contains("\"reason\":\"unrecognized_format\""))
                    .anySatisfy(d -> assertThat(d).contains("\"reason\":\"invalid_json\""))
                    .anySatisfy(d -> assertThat(d).contains("\"reason\":\"invalid_utf8\""))
                    .allSatisfy(d -> assertThat(d).contains("\"topic\":\"" + topic + "\""));
        } finally {
            job.cancel().get();
        }
        // Nothing else was pushed while the job ran: the benign clients never alerted.
        assertThat(RedisAlerts.read(REDIS.port(), list)).hasSize(1);
    }
}
