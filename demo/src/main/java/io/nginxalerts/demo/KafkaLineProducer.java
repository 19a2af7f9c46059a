package io.nginxalerts.demo;

import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A line sink that produces each line as one record to a Kafka topic (acks=all), to its partitions
 * in turn, so that every partition carries lines whenever lines flow.
 *
 * <p>Why not the default partitioner: for records without a key it sticks to one partition until a
 * batch (16 KB, about 60 lines) is full. A slow trickle (a monitor line a second) then feeds one
 * partition for a minute while the other goes idle, and the job's watermark moves on without it
 * (events.partition-idleness). When the file grows fast again, the lines come in 16 KB runs per
 * partition: the busy partition's source reads a run that is newer than the idle one's next run,
 * and those older lines arrive behind the watermark as late dead letters (13 of 200,091 in issue
 * 14's run, where a backtest of the same file had none). Line by line in turn, no partition is idle
 * while the other is fed, and the partitions never differ by more than a line.
 */
final class KafkaLineProducer implements Consumer<byte[]>, AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final int partitions;
    private long next;

    KafkaLineProducer(String bootstrapServers, String topic) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props);
        this.topic = topic;
        this.partitions = producer.partitionsFor(topic).size();
    }

    @Override
    public void accept(byte[] line) {
        int partition = (int) (next++ % partitions);
        producer.send(new ProducerRecord<>(topic, partition, null, line));
    }

    /** Blocks until every line sent so far is acknowledged. */
    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
