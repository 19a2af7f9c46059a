package io.nginxalerts.job.sink;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.redis.RedisEndpoint;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes alerts as JSON ({@link io.nginxalerts.core.alert.AlertCodec}) onto a Redis list with
 * {@code LPUSH}, so consumers read them oldest first with {@code BRPOP}/{@code BLMOVE ... RIGHT}.
 *
 * <p>Delivery guarantee: at-least-once. Each alert is pushed as soon as it is written (never held
 * until a checkpoint); a connection loss is retried with backoff for up to {@code retryTimeout},
 * after which the writer fails so that Flink restarts from the last checkpoint and replays. A
 * replay can push an alert again with the same id; consumers deduplicate by id.
 */
public final class RedisListSink implements Sink<Alert> {
    private static final long serialVersionUID = 1L;

    private final RedisEndpoint endpoint;
    private final String listKey;
    private final Duration retryTimeout;

    public RedisListSink(RedisEndpoint endpoint, String listKey, Duration retryTimeout) {
        this.endpoint = endpoint;
        this.listKey = listKey;
        this.retryTimeout = retryTimeout;
    }

    @Override
    public SinkWriter<Alert> createWriter(WriterInitContext context) {
        return new RedisListWriter(endpoint, listKey, retryTimeout, context.metricGroup());
    }

    @Override
    public String toString() {
        return "RedisListSink{" + endpoint + ", list=" + listKey + "}";
    }
}
