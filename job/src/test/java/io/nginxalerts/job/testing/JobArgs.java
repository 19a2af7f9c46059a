package io.nginxalerts.job.testing;

import io.nginxalerts.job.JobSettings;
import io.nginxalerts.job.cli.Args;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The job's command line as the integration tests give it ({@code flink run} arguments, or the
 * {@link JobSettings} they parse to): a Kafka topic with its dead-letter topic, a Redis list, and
 * event time tuned for tests (1 s out-of-orderness, 1 s partition idleness, the idle flush after 2
 * s). {@link #with} adds an option or overrides one.
 */
public final class JobArgs {
    private final Map<String, String> options = new LinkedHashMap<>();

    private JobArgs() {}

    /** The options every test sets: where events come from and where alerts and dead letters go. */
    public static JobArgs of(
            String bootstrapServers, String topic, String dlqTopic, String redisUrl, String list) {
        return new JobArgs()
                .with("kafka.bootstrap-servers", bootstrapServers)
                .with("kafka.topic", topic)
                .with("dlq.topic", dlqTopic)
                .with("redis.url", redisUrl)
                .with("redis.list", list)
                .with("events.max-out-of-orderness", "1s")
                .with("events.partition-idleness", "1s")
                .with("events.idle-flush-after", "2s");
    }

    /** Sets {@code --key value}, replacing an earlier value of the same key. */
    public JobArgs with(String key, String value) {
        options.put("--" + key, value);
        return this;
    }

    /** As command-line arguments, {@code --key value} pairs. */
    public List<String> args() {
        List<String> args = new ArrayList<>();
        options.forEach(
                (key, value) -> {
                    args.add(key);
                    args.add(value);
                });
        return args;
    }

    /** Parsed and validated as {@code flink run} would, Kafka required. */
    public JobSettings settings() {
        return JobSettings.from(Args.parse(args().toArray(String[]::new)).flat(Set.of()), true);
    }
}
