package io.nginxalerts.job.faults;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.RedisExtension;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * A bounded replay ({@code --kafka.bounded true}, the README's backlog replay) with more source
 * subtasks than partitions and partition idleness on (the default is 10 s; 1 s here): the reference
 * run of the e2e worker crash test found that it wrote no alert at all. This test reproduced it on
 * a MiniCluster and now guards the fix: a bounded run uses no partition idleness (nor the idle
 * flush), since it ends with a final watermark.
 *
 * <p>Likely cause: the source subtask without a split finishes at once and sends the final
 * watermark ({@code MAX}), while the subtask with the split is marked idle before its consumer has
 * fetched anything; with its only other input idle, the downstream watermark jumps to {@code MAX}
 * before the events arrive.
 */
class BoundedReplayITCase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    private static final String TOPIC = "faults-bounded";
    private static final String LIST = "faults:bounded";

    @RegisterExtension
    static final KafkaExtension KAFKA =
            new KafkaExtension().withTopic(TOPIC, 1).withTopic(TOPIC + "-dlq", 1);

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

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
        KAFKA.produceLines(TOPIC, lines);

        JobClient job =
                FaultJob.start(
                        FaultJob.settings(
                                KAFKA.bootstrapServers(),
                                TOPIC,
                                REDIS.url(),
                                LIST,
                                "--kafka.bounded",
                                "true",
                                "--events.partition-idleness",
                                "1s"),
                        List.of(TestRules.clientErrorsBurst()),
                        0);
        job.getJobExecutionResult().get();

        Set<String> written = new TreeSet<>();
        try (Jedis jedis = new Jedis("127.0.0.1", REDIS.port())) {
            for (String json : jedis.lrange(LIST, 0, -1)) {
                written.add(AlertCodec.decode(json).id());
            }
        }
        assertThat(written).isEqualTo(reference);
    }
}
