package io.nginxalerts.job;

import io.nginxalerts.core.parse.DeadLetter;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleException;
import io.nginxalerts.job.cli.Args;
import io.nginxalerts.job.sink.DeadLetterSerializer;
import io.nginxalerts.job.sink.RedisListSink;
import io.nginxalerts.job.source.KafkaLogDeserializer;
import io.nginxalerts.job.source.ParsedRecord;
import io.nginxalerts.job.source.RecordParser;
import io.nginxalerts.job.time.EventTimeSettings;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming job for {@code flink run}: Kafka topic {@code nginx} → rules → Redis list.
 *
 * <pre>
 * flink run job/target/nginx-alerts-job.jar --kafka.bootstrap-servers kafka:9092 \
 *     --redis.url redis://redis:6379 [--rules /path/to/rules]
 * </pre>
 *
 * Options: {@link JobOptions}. Checkpointing, state backend and restarts come from the cluster's
 * {@code config.yaml}.
 */
public final class AlertJob {
    private static final Logger LOG = LoggerFactory.getLogger(AlertJob.class);

    private AlertJob() {}

    public static void main(String[] args) throws Exception {
        JobSettings settings;
        List<Rule> rules;
        try {
            settings = JobSettings.from(Args.parse(args).flat(Set.of()), System.getenv(), true);
            rules = settings.loadRules();
        } catch (IllegalArgumentException e) {
            System.err.println("nginx-alerts: " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuleException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("Starting nginx-alerts with {} rules: {}", rules.size(), settings.describe());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, settings, rules);
        env.execute("nginx-alerts");
    }

    /** Adds the Kafka → rules → Redis topology to {@code env}. */
    public static Pipeline.Streams build(
            StreamExecutionEnvironment env, JobSettings settings, List<Rule> rules) {
        Pipeline.Input kafka =
                new Pipeline.Input(
                        "kafka-source",
                        "Kafka topic " + settings.kafkaTopic(),
                        kafkaSource(settings));
        return Pipeline.run(
                env,
                List.of(kafka),
                rules,
                eventTime(settings),
                settings.thresholdOperator(),
                new Pipeline.Output<>(
                        new RedisListSink(
                                settings.redis(),
                                settings.redisList(),
                                settings.redisRetryTimeout()),
                        "Redis list " + settings.redisList()),
                new Pipeline.Output<>(
                        deadLetterSink(settings), "Kafka topic " + settings.dlqTopic()));
    }

    /**
     * The event-time settings for this run. A bounded replay ends with a final watermark, like a
     * backtest, so it needs neither partition idleness nor the idle flush; with idleness, a source
     * subtask without partitions finishes while another is marked idle, event time downstream jumps
     * to the end, and the replayed events would arrive behind it.
     */
    static EventTimeSettings eventTime(JobSettings settings) {
        if (!settings.kafkaBounded()) {
            return settings.time();
        }
        return new EventTimeSettings(
                settings.time().maxOutOfOrderness(), Duration.ZERO, Duration.ZERO);
    }

    /** The Kafka source: the settings' topic, group and offsets, plus {@code kafka.properties}. */
    public static KafkaSource<ParsedRecord> kafkaSource(JobSettings settings) {
        OffsetsInitializer start =
                switch (settings.kafkaStartingOffsets()) {
                    case "earliest" -> OffsetsInitializer.earliest();
                    case "latest" -> OffsetsInitializer.latest();
                    default -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                };
        Properties properties = new Properties();
        properties.putAll(settings.kafkaProperties());
        properties.setProperty(
                "partition.discovery.interval.ms",
                Long.toString(settings.kafkaPartitionDiscovery().toMillis()));
        // Offsets are committed on checkpoints; the job restores from its checkpoint anyway.
        properties.setProperty("commit.offsets.on.checkpoint", "true");
        // The file first, so the job's own options win over the same keys in it.
        var builder =
                KafkaSource.<ParsedRecord>builder()
                        .setProperties(properties)
                        .setBootstrapServers(settings.kafkaBootstrapServers())
                        .setTopics(settings.kafkaTopic())
                        .setGroupId(settings.kafkaGroupId())
                        .setStartingOffsets(start)
                        .setDeserializer(
                                new KafkaLogDeserializer(
                                        new RecordParser(
                                                settings.maxLineBytes(),
                                                settings.maxFutureSkew(),
                                                settings.logFormat())));
        if (settings.kafkaBounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /** The dead-letter producer, with {@code kafka.properties} (SASL/SSL) as its client config. */
    public static KafkaSink<DeadLetter> deadLetterSink(JobSettings settings) {
        Properties properties = new Properties();
        properties.putAll(settings.kafkaProperties());
        return KafkaSink.<DeadLetter>builder()
                .setKafkaProducerConfig(properties)
                .setBootstrapServers(settings.kafkaBootstrapServers())
                .setRecordSerializer(new DeadLetterSerializer(settings.dlqTopic()))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }
}
