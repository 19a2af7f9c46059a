package io.nginxalerts.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) inside this JVM, about 3 s
 * to start, with small helpers to create topics, produce and consume. Used by the tests, the demo
 * and the benchmark alike; its logs live in a temporary directory removed on {@link #close()}.
 */
public final class LocalKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private LocalKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static LocalKafka start() throws Exception {
        KafkaClusterTestKit cluster =
                new KafkaClusterTestKit.Builder(
                                new TestKitNodes.Builder()
                                        // Our own directory, which close() deletes: the test
                                        // kit's default registers a JVM shutdown hook that
                                        // deletes it, and when that hook runs while another hook
                                        // is still closing the broker (the demo's, on exit), the
                                        // broker sees its log directory vanish and halts the JVM
                                        // with status 1.
                                        .setBaseDirectory(
                                                Files.createTempDirectory("nginx-alerts-kafka-"))
                                        .setCombined(true)
                                        .setNumBrokerNodes(1)
                                        .setNumControllerNodes(1)
                                        .build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new LocalKafka(cluster);
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public void createTopic(String topic, int partitions) throws Exception {
        createTopics(Map.of(topic, partitions));
    }

    public void createTopics(Map<String, Integer> partitionsByTopic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            admin.createTopics(
                            partitionsByTopic.entrySet().stream()
                                    .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1))
                                    .toList())
                    .all()
                    .get();
        }
    }

    /**
     * Shuts the broker part down (the controller stays up): clients see connection errors until
     * {@link #startBroker()}. Its log directory is kept.
     */
    public void stopBroker() {
        broker().shutdown();
    }

    /**
     * Starts the broker again on the same port with the same log directory; returns once it is
     * ready.
     */
    public void startBroker() throws Exception {
        broker().startup();
        cluster.waitForReadyBrokers();
    }

    private BrokerServer broker() {
        return cluster.brokers().values().iterator().next();
    }

    /** A producer that waits for every replica (acks=all), so a sent record is there to read. */
    private KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props);
    }

    /** Produces each value (spread over the partitions by the producer), synchronously. */
    public void produce(String topic, List<byte[]> values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(topic, value));
            }
            producer.flush();
        }
    }

    /** Produces each line to one partition, synchronously. */
    public void produceLines(String topic, int partition, List<String> lines) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (String line : lines) {
                producer.send(
                        new ProducerRecord<>(
                                topic, partition, null, line.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    public void produceLines(String topic, List<String> lines) throws Exception {
        List<byte[]> values = new ArrayList<>();
        for (String line : lines) {
            values.add(line.getBytes(StandardCharsets.UTF_8));
        }
        produce(topic, values);
    }

    /** Reads the topic from the start until {@code expected} records arrived or the deadline. */
    public List<String> consume(String topic, int expected, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
