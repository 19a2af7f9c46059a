package io.nginxalerts.job.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.testing.LocalRedis;
import io.nginxalerts.testing.Poll;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import kafka.server.BrokerServer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

    static KafkaClusterTestKit kafka;
    static LocalRedis redis;

    @BeforeAll
    static void startServers() throws Exception {
        // The project's LocalKafka does not expose its broker; this is the same single
        // combined KRaft node, whose broker part can be restarted (the test kit binds the
        // restarted broker to the same port).
        kafka =
                new KafkaClusterTestKit.Builder(
                                new TestKitNodes.Builder()
                                        .setCombined(true)
                                        .setNumBrokerNodes(1)
                                        .setNumControllerNodes(1)
                                        .build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(TOPIC, 1, (short) 1),
                                    new NewTopic(TOPIC + "-dlq", 1, (short) 1)))
                    .all()
                    .get();
        }
        redis = LocalRedis.start();
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
    void deliversEveryAlertExactlyOnceWhenTheKafkaBrokerRestarts(
            @InjectMiniCluster MiniCluster miniCluster, @TempDir Path tmp) throws Exception {
        FaultTraffic traffic = new FaultTraffic();
        Set<String> reference = FaultJob.referenceIds(FaultTraffic.rules(), traffic.all());

        try (DeliveringWorker worker =
                DeliveringWorker.start(
                        redis.url(), redis.port(), LIST, tmp.resolve("delivered.jsonl"))) {
            JobClient job =
                    FaultJob.start(
                            FaultJob.settings(kafka.bootstrapServers(), TOPIC, redis.url(), LIST),
                            FaultTraffic.rules(),
                            10);
            JobID id = job.getJobID();
            try {
                Poll.until(
                        Duration.ofSeconds(60),
                        () -> FaultJob.completedCheckpoints(miniCluster, id),
                        n -> n >= 1);
                produce(traffic.firstHalf());
                Poll.until(
                        Duration.ofSeconds(60),
                        () -> worker.deliveries().size(),
                        delivered -> delivered >= 3);

                BrokerServer broker = kafka.brokers().values().iterator().next();
                broker.shutdown();
                long stoppedAt = System.nanoTime();
                // Not a wait for a result: the broker must stay away long enough for the
                // consumer to lose its connection and back off.
                Poll.until(
                        OUTAGE,
                        () -> System.nanoTime() - stoppedAt,
                        elapsed -> elapsed >= OUTAGE.toNanos());
                broker.startup();
                kafka.waitForReadyBrokers();

                produce(traffic.secondHalf());
                produce(traffic.closing());
                produce(traffic.trailing());

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

    private static void produce(List<String> lines) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (String line : lines) {
                producer.send(new ProducerRecord<>(TOPIC, line.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }
}
