package io.nginxalerts.job.faults;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.RedisExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
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

    @RegisterExtension
    static final KafkaExtension KAFKA =
            new KafkaExtension().withTopic(TOPIC, 1).withTopic(TOPIC + "-dlq", 1);

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @Test
    void alertPendingInACheckpointIsDeliveredAfterARestartWithoutAnyNewEvent(
            @InjectMiniCluster MiniCluster miniCluster, @TempDir Path tmp) throws Exception {
        // Exactly the threshold: the 20th event is still ahead of the watermark (max - 1 s), so
        // the match completes only through the idle flush.
        Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        List<String> burst = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            burst.add(request(start.plusSeconds(i), "203.0.113.77").status(404).line());
        }
        Set<String> reference =
                FaultJob.referenceIds(List.of(TestRules.clientErrorsBurst()), burst);
        assertThat(reference).hasSize(1);

        try (DeliveringWorker worker =
                DeliveringWorker.start(
                        REDIS.url(), REDIS.port(), LIST, tmp.resolve("delivered.jsonl"))) {
            JobClient job =
                    FaultJob.start(
                            FaultJob.settings(
                                    KAFKA.bootstrapServers(),
                                    TOPIC,
                                    REDIS.url(),
                                    LIST,
                                    "--events.idle-flush-after",
                                    IDLE_FLUSH.toSeconds() + "s"),
                            List.of(TestRules.clientErrorsBurst()),
                            10);
            JobID id = job.getJobID();
            try {
                Poll.until(
                        Duration.ofSeconds(60),
                        () -> FaultJob.completedCheckpoints(miniCluster, id),
                        n -> n >= 1);
                KAFKA.produceLines(TOPIC, burst);
                long before = FaultJob.completedCheckpoints(miniCluster, id);
                // Two more checkpoints: the second was triggered after the burst was read.
                Poll.until(
                        Duration.ofSeconds(30),
                        () -> FaultJob.completedCheckpoints(miniCluster, id),
                        n -> n >= before + 2);
                assertThat(DeliveringWorker.lpushCalls(REDIS.port()))
                        .as("precondition: the idle flush has not fired yet")
                        .isZero();
                miniCluster.terminateTaskManager(0).get();
                miniCluster.startTaskManager();

                Map<String, Integer> delivered =
                        worker.awaitDeliveries(reference.size(), IDLE_FLUSH.multipliedBy(6));
                assertThat(
                                FaultJob.checkpoints(miniCluster, id)
                                        .getLatestRestoredCheckpoint()
                                        .getCheckpointId())
                        .as("restored a checkpoint triggered after the burst was produced")
                        .isGreaterThanOrEqualTo(before + 2);
                assertThat(delivered.keySet()).isEqualTo(reference);
            } finally {
                job.cancel().get();
            }
        }
    }
}
