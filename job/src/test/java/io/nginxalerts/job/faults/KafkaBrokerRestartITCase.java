package io.nginxalerts.job.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.testing.KafkaExtension;
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

    @RegisterExtension static final KafkaExtension KAFKA = FaultJob.kafkaWithTopic(TOPIC);

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @Test
    void deliversEveryAlertExactlyOnceWhenTheKafkaBrokerRestarts(
            @InjectMiniCluster MiniCluster miniCluster, @TempDir Path tmp) throws Exception {
        FaultTraffic traffic = new FaultTraffic();
        Set<String> reference = traffic.referenceIds();

        try (DeliveringWorker worker = DeliveringWorker.start(REDIS.server(), LIST, tmp);
                FaultJob job =
                        FaultJob.startCheckpointed(
                                miniCluster, FaultJob.args(KAFKA, TOPIC, REDIS.url(), LIST))) {
            KAFKA.produceLines(TOPIC, traffic.firstHalf());
            worker.awaitFirstDeliveries(3);

            KAFKA.kafka().stopBroker();
            Outage.begin(OUTAGE).awaitEnd();
            KAFKA.kafka().startBroker();

            KAFKA.produceLines(TOPIC, traffic.secondHalfAndClosing());
            KAFKA.produceLines(TOPIC, traffic.trailing());

            Map<String, Integer> delivered =
                    worker.awaitExactlyOnce(reference, Duration.ofSeconds(90));
            assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
            System.out.printf(
                    "Kafka broker restart: %d alerts delivered once each; job restored a"
                            + " checkpoint: %s%n",
                    delivered.size(), job.restoredFromCheckpoint());
        }
    }
}
