package io.nginxalerts.job.faults;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.testing.RedisTestServer;
import io.nginxalerts.job.testing.KafkaTestCluster;
import io.nginxalerts.job.testing.TestRules;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * A bounded replay ({@code --kafka.bounded true}, the README's backlog replay) with more source
 * subtasks than partitions and partition idleness on (the default is 10 s; 1 s here): the reference
 * run of the e2e worker crash test found that it writes no alert at all, and this test reproduces
 * it on a MiniCluster. With {@code --events.partition-idleness 0} the same replay writes the
 * reference alerts (the e2e test runs its reference that way).
 *
 * <p>Likely cause: the source subtask without a split finishes at once and sends the final
 * watermark ({@code MAX}), while the subtask with the split is marked idle before its consumer has
 * fetched anything; with its only other input idle, the downstream watermark jumps to {@code MAX}
 * before the events arrive.
 */
class BoundedReplayITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final String TOPIC = "faults-bounded";
    private static final String LIST = "faults:bounded";

    static KafkaTestCluster kafka;
    static RedisTestServer redis;

    @BeforeAll
    static void startServers() throws Exception {
        kafka = KafkaTestCluster.start();
        kafka.createTopic(TOPIC, 1);
        kafka.createTopic(TOPIC + "-dlq", 1);
        redis = RedisTestServer.start();
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (redis != null) {
            redis.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void boundedReplayWithMoreSubtasksThanPartitionsDeliversTheReferenceAlerts() throws Exception {
        Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            lines.add(request(start.plusSeconds(i), "203.0.113.88").status(404).line());
        }
        Set<String> reference =
                FaultJob.referenceIds(List.of(TestRules.clientErrorsBurst()), lines);
        assertThat(reference).hasSize(1);
        kafka.produceLines(TOPIC, lines);

        JobClient job =
                FaultJob.start(
                        FaultJob.settings(
                                kafka.bootstrapServers(),
                                TOPIC,
                                redis.url(),
                                LIST,
                                "--kafka.bounded",
                                "true",
                                "--events.partition-idleness",
                                "1s"),
                        List.of(TestRules.clientErrorsBurst()),
                        0);
        job.getJobExecutionResult().get();

        Set<String> written = new TreeSet<>();
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            for (String json : jedis.lrange(LIST, 0, -1)) {
                written.add(AlertCodec.decode(json).id());
            }
        }
        assertThat(written).isEqualTo(reference);
    }
}
