package io.nginxalerts.job.faults;

import io.nginxalerts.core.testing.RedisTestServer;
import io.nginxalerts.job.testing.KafkaTestCluster;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real servers a fault test class runs against: a Kafka broker with the test's topic and its
 * dead-letter topic, and a redis-server; started before the class's tests, stopped after.
 */
final class FaultServers implements BeforeAllCallback, AfterAllCallback {
    private final String topic;
    private KafkaTestCluster kafka;
    private RedisTestServer redis;

    FaultServers(String topic) {
        this.topic = topic;
    }

    KafkaTestCluster kafka() {
        return kafka;
    }

    RedisTestServer redis() {
        return redis;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka = KafkaTestCluster.start();
        kafka.createTopic(topic, 1);
        kafka.createTopic(topic + "-dlq", 1);
        redis = RedisTestServer.start();
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
