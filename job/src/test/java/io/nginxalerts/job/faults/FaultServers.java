package io.nginxalerts.job.faults;

import io.nginxalerts.testing.LocalKafka;
import io.nginxalerts.testing.LocalRedis;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real servers a fault test class runs against: a Kafka broker with the test's topic and its
 * dead-letter topic, and a redis-server; started before the class's tests, stopped after.
 */
final class FaultServers implements BeforeAllCallback, AfterAllCallback {
    private final String topic;
    private LocalKafka kafka;
    private LocalRedis redis;

    FaultServers(String topic) {
        this.topic = topic;
    }

    LocalKafka kafka() {
        return kafka;
    }

    LocalRedis redis() {
        return redis;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka = LocalKafka.start();
        kafka.createTopic(topic, 1);
        kafka.createTopic(topic + "-dlq", 1);
        redis = LocalRedis.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (redis != null) {
            redis.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }
}
