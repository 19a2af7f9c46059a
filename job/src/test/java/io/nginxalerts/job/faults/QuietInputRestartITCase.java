package io.nginxalerts.job.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.RedisExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The last burst before traffic stops completes only through the idle flush (event time moves on
 * with the wall clock after {@code events.idle-flush-after} of quiet). If the job restarts from a
 * checkpoint taken after the burst was read but before the flush, the burst's match is in the
 * restored CEP state and the flush must still complete it, although no event ever arrives again.
 */
class QuietInputRestartITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoTaskManagers();

    private static final String TOPIC = "faults-quiet";
    private static final String LIST = "faults:quiet";
    private static final Duration IDLE_FLUSH = Duration.ofSeconds(5);

    @RegisterExtension static final KafkaExtension KAFKA = FaultJob.kafkaWithTopic(TOPIC);

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @Test
    void alertPendingInACheckpointIsDeliveredAfterARestartWithoutAnyNewEvent(
            @InjectMiniCluster MiniCluster miniCluster, @TempDir Path tmp) throws Exception {
        // Exactly the threshold: the 20th event is still ahead of the watermark (max - 1 s), so
        // the match completes only through the idle flush.
        List<String> burst = FaultTraffic.clientErrorBurst("203.0.113.77", 20);
        Set<String> reference =
                FaultJob.referenceIds(List.of(TestRules.clientErrorsBurst()), burst);
        assertThat(reference).hasSize(1);

        try (DeliveringWorker worker = DeliveringWorker.start(REDIS.server(), LIST, tmp);
                FaultJob job =
                        FaultJob.startCheckpointed(
                                miniCluster,
                                FaultJob.args(KAFKA, TOPIC, REDIS.url(), LIST)
                                        .with(
                                                "events.idle-flush-after",
                                                IDLE_FLUSH.toSeconds() + "s"),
                                List.of(TestRules.clientErrorsBurst()),
                                10)) {
            KAFKA.produceLines(TOPIC, burst);
            long before = job.completedCheckpoints();
            // Two more checkpoints: the second was triggered after the burst was read.
            job.awaitCompletedCheckpoints(before + 2, Duration.ofSeconds(30));
            assertThat(DeliveringWorker.lpushCalls(REDIS.port()))
                    .as("precondition: the idle flush has not fired yet")
                    .isZero();
            miniCluster.terminateTaskManager(0).get();
            miniCluster.startTaskManager();

            Map<String, Integer> delivered =
                    worker.awaitDeliveries(reference.size(), IDLE_FLUSH.multipliedBy(6));
            assertThat(job.checkpoints().getLatestRestoredCheckpoint().getCheckpointId())
                    .as("restored a checkpoint triggered after the burst was produced")
                    .isGreaterThanOrEqualTo(before + 2);
            assertThat(delivered.keySet()).isEqualTo(reference);
        }
    }
}
