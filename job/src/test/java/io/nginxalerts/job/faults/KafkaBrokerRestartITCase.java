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
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka broker is shut down mid-stream and started again on the same port with its log
 * directory: the source's consumer reconnects and resumes at its position, and the dead-letter
 * producer waits out the outage. The worker delivers exactly the reference alerts, once each.
 */
class KafkaBrokerRestartITCase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    private static final String TOPIC = "faults-kafka";
    private static final String LIST = "faults:kafka";

    /** Long enough for clients to notice (connection refused, metadata refresh) and back off. */
    private static final Duration OUTAGE = Duration.ofSeconds(5);

    @RegisterExtension
    static final KafkaExtension KAFKA =
            new KafkaExtension().withTopic(TOPIC, 1).withTopic(TOPIC + "-dlq", 1);

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @Test
    void deliversEveryAlertExactlyOnceWhenTheKafkaBrokerRestarts(
            @InjectMiniCluster MiniCluster miniCluster, @TempDir Path tmp) throws Exception {
        FaultTraffic traffic = new FaultTraffic();
        Set<String> reference = FaultJob.referenceIds(FaultTraffic.rules(), traffic.all());

        try (DeliveringWorker worker =
                DeliveringWorker.start(
                        REDIS.url(), REDIS.port(), LIST, tmp.resolve("delivered.jsonl"))) {
            JobClient job =
                    FaultJob.start(
                            FaultJob.settings(KAFKA.bootstrapServers(), TOPIC, REDIS.url(), LIST),
                            FaultTraffic.rules(),
                            10);
            JobID id = job.getJobID();
            try {
                Poll.until(
                        Duration.ofSeconds(60),
                        () -> FaultJob.completedCheckpoints(miniCluster, id),
                        n -> n >= 1);
                KAFKA.produceLines(TOPIC, traffic.firstHalf());
                Poll.until(
                        Duration.ofSeconds(60),
                        () -> worker.deliveries().size(),
                        delivered -> delivered >= 3);

                KAFKA.kafka().stopBroker();
                long stoppedAt = System.nanoTime();
                // Not a wait for a result: the broker must stay away long enough for the
                // consumer to lose its connection and back off.
                Poll.until(
                        OUTAGE,
                        () -> System.nanoTime() - stoppedAt,
                        elapsed -> elapsed >= OUTAGE.toNanos());
                KAFKA.kafka().startBroker();

                KAFKA.produceLines(TOPIC, traffic.secondHalf());
                KAFKA.produceLines(TOPIC, traffic.closing());
                KAFKA.produceLines(TOPIC, traffic.trailing());

                Map<String, Integer> delivered =
                        worker.awaitDeliveries(reference.size(), Duration.ofSeconds(90));
                assertThat(FaultJob.status(miniCluster, id)).isEqualTo(JobStatus.RUNNING);
                assertThat(delivered.keySet()).isEqualTo(reference);
                assertThat(delivered).allSatisfy((alert, times) -> assertThat(times).isOne());
                assertThat(worker.dead()).isZero();
                System.out.printf(
                        "Kafka broker restart: %d alerts delivered once each; job restored a"
                                + " checkpoint: %s%n",
                        delivered.size(), FaultJob.restoredFromCheckpoint(miniCluster, id));
            } finally {
                job.cancel().get();
            }
        }
    }
}
