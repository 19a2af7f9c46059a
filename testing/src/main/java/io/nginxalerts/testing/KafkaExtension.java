package io.nginxalerts.testing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link LocalKafka} broker for the tests of one class: started before the class's first test
 * (with the topics asked for), closed after its last one, also when a test fails.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaExtension KAFKA = new KafkaExtension().withTopic("nginx", 2);
 * }</pre>
 */
public final class KafkaExtension implements BeforeAllCallback, AfterAllCallback {
    private final Map<String, Integer> topics = new LinkedHashMap<>();
    private final ServerExtension<LocalKafka> server;

    public KafkaExtension() {
        server =
                new ServerExtension<>(
                        () -> {
                            LocalKafka kafka = LocalKafka.start();
                            try {
                                if (!topics.isEmpty()) {
                                    kafka.createTopics(topics);
                                }
                                return kafka;
                            } catch (Exception e) {
                                kafka.close();
                                throw e;
                            }
                        });
    }

    /** Creates {@code topic} with {@code partitions} partitions as soon as the broker is up. */
    public KafkaExtension withTopic(String topic, int partitions) {
        topics.put(topic, partitions);
        return this;
    }

    /** The running broker; fails outside the class's tests. */
    public LocalKafka kafka() {
        return server.get();
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    public void createTopic(String topic, int partitions) throws Exception {
        kafka().createTopic(topic, partitions);
    }

    public void produce(String topic, List<byte[]> values) throws Exception {
        kafka().produce(topic, values);
    }

    public void produceLines(String topic, List<String> lines) throws Exception {
        kafka().produceLines(topic, lines);
    }

    public void produceLines(String topic, int partition, List<String> lines) throws Exception {
        kafka().produceLines(topic, partition, lines);
    }

    public List<String> consume(String topic, int expected, Duration timeout) {
        return kafka().consume(topic, expected, timeout);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server.beforeAll(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        server.afterAll(context);
    }
}
