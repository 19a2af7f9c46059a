package io.nginxalerts.job.sink;

import io.nginxalerts.core.parse.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a dead letter as JSON to the dead-letter topic, keyed by its reason so one reason stays in
 * order on one partition.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            DeadLetter dead, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic,
                null,
                timestamp == null || timestamp < 0 ? null : timestamp,
                dead.reason().getBytes(StandardCharsets.UTF_8),
                DeadLetterJson.encode(dead).getBytes(StandardCharsets.UTF_8));
    }
}
