package io.nginxalerts.job.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.job.testing.RedisAlerts;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.RedisExtension;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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

    @RegisterExtension static final KafkaExtension KAFKA = FaultJob.kafkaWithTopic(TOPIC);

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @Test
    void boundedReplayWithMoreSubtasksThanPartitionsDeliversTheReferenceAlerts(
            @InjectMiniCluster MiniCluster miniCluster) throws Exception {
        List<String> lines = FaultTraffic.clientErrorBurst("203.0.113.88", 25);
        Set<String> reference =
                FaultJob.referenceIds(List.of(TestRules.clientErrorsBurst()), lines);
        assertThat(reference).hasSize(1);
        KAFKA.produceLines(TOPIC, lines);

        FaultJob.start(
                        miniCluster,
                        FaultJob.args(KAFKA, TOPIC, REDIS.url(), LIST)
                                .with("kafka.bounded", "true")
                                .with("events.partition-idleness", "1s"),
                        List.of(TestRules.clientErrorsBurst()),
                        0)
                .awaitFinished();

        assertThat(new TreeSet<>(RedisAlerts.ids(REDIS.port(), LIST))).isEqualTo(reference);
    }
}
