package io.nginxalerts.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.testing.LocalKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

class KafkaLineProducerITCase {

    /**
     * A trickle of lines (fewer than one batch) reaches both partitions, in file order on each: no
     * partition sits idle while the other is fed (issue 14's late dead letters).
     */
    @Test
    void aTrickleOfLinesFeedsEveryPartitionInTurnAndInOrder() throws Exception {
        try (LocalKafka kafka = LocalKafka.start()) {
            kafka.createTopics(Map.of("t", 2));
            try (KafkaLineProducer lines = new KafkaLineProducer(kafka.bootstrapServers(), "t")) {
                for (int i = 0; i < 10; i++) {
                    lines.accept(("line " + i).getBytes(StandardCharsets.UTF_8));
                }
                lines.flush();
            }
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
                List<TopicPartition> both =
                        List.of(new TopicPartition("t", 0), new TopicPartition("t", 1));
                consumer.assign(both);
                consumer.seekToBeginning(both);
                List<List<String>> byPartition = List.of(new ArrayList<>(), new ArrayList<>());
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (byPartition.get(0).size() + byPartition.get(1).size() < 10
                        && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        byPartition.get(r.partition()).add(r.value());
                    }
                }
                assertThat(byPartition.get(0))
                        .containsExactly("line 0", "line 2", "line 4", "line 6", "line 8");
                assertThat(byPartition.get(1))
                        .containsExactly("line 1", "line 3", "line 5", "line 7", "line 9");
            }
        }
    }
}
