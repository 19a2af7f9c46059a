package io.nginxalerts.job.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.RedisExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TaskManager dies while the job runs: the job restarts from its last checkpoint on a fresh
 * TaskManager and replays from the checkpointed Kafka offsets. Alerts the replay writes again land
 * on the Redis list a second time with the same id, and the worker drops them, so what it delivers
 * is exactly what a fault-free run delivers.
 */
class TaskManagerFailureITCase {
    /** Two TaskManagers with one slot each: a job of parallelism 2 runs on both. */
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoTaskManagers();

    private static final String TOPIC = "faults-tm";
    private static final String LIST = "faults:tm";

    @RegisterExtension static final KafkaExtension KAFKA = FaultJob.kafkaWithTopic(TOPIC);

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @Test
    void deliversEveryAlertExactlyOnceWhenATaskManagerDies(
            @InjectMiniCluster MiniCluster miniCluster, @TempDir Path tmp) throws Exception {
        FaultTraffic traffic = new FaultTraffic();
        Set<String> reference = traffic.referenceIds();
        assertThat(reference).hasSizeGreaterThan(10);

        // The job has a checkpoint before any event, so the restart below restores one.
        try (DeliveringWorker worker = DeliveringWorker.start(REDIS.server(), LIST, tmp);
                FaultJob job =
                        FaultJob.startCheckpointed(
                                miniCluster, FaultJob.args(KAFKA, TOPIC, REDIS.url(), LIST))) {
            KAFKA.produceLines(TOPIC, traffic.firstHalf());
            // Mid-stream: kill as soon as the first alerts reach Redis, while the job is still
            // working through the first half and alerts written since the last checkpoint will
            // be written again by the replay.
            Poll.until(
                    Duration.ofSeconds(60),
                    () -> DeliveringWorker.lpushCalls(REDIS.port()),
                    n -> n >= 1);
            miniCluster.terminateTaskManager(0).get();

            KAFKA.produceLines(TOPIC, traffic.secondHalfAndClosing());
            // The surviving TaskManager has one slot; the job needs two.
            miniCluster.startTaskManager();
            KAFKA.produceLines(TOPIC, traffic.trailing());

            Map<String, Integer> delivered =
                    worker.awaitExactlyOnce(reference, Duration.ofSeconds(90));
            assertThat(job.restoredFromCheckpoint())
                    .as("the job restarted from a checkpoint")
                    .isTrue();
            assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
            long written = DeliveringWorker.lpushCalls(REDIS.port());
            assertThat(written)
                    .as("alerts written to Redis, replayed duplicates included")
                    .isGreaterThanOrEqualTo(reference.size());
            System.out.printf(
                    "TaskManager failure: %d alerts delivered once each, %d written to Redis"
                            + " (%d duplicates dropped by the worker)%n",
                    delivered.size(), written, written - reference.size());
        }
    }
}
