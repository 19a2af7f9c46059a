package io.nginxalerts.job;

import io.nginxalerts.core.redis.RedisOption;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every setting of the job, as typed Flink {@link ConfigOption}s with defaults and descriptions.
 * Pass them as {@code --key value} program arguments; {@link JobSettings#from} validates them all
 * at once and names the bad key. The Redis options are the worker's too, with the same keys and
 * environment variables ({@link RedisOption}).
 */
public final class JobOptions {
    private JobOptions() {}

    public static final ConfigOption<String> KAFKA_BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Kafka bootstrap servers, e.g. kafka:9092. Required.");

    public static final ConfigOption<String> KAFKA_TOPIC =
            ConfigOptions.key("kafka.topic")
                    .stringType()
                    .defaultValue("nginx")
                    .withDescription("Topic with one nginx access-log event per record.");

    public static final ConfigOption<String> KAFKA_GROUP_ID =
            ConfigOptions.key("kafka.group-id")
                    .stringType()
                    .defaultValue("nginx-alerts")
                    .withDescription(
                            "Consumer group; offsets are committed on checkpoints (for"
                                    + " monitoring lag; the job restores from its checkpoint).");

    public static final ConfigOption<String> KAFKA_STARTING_OFFSETS =
            ConfigOptions.key("kafka.starting-offsets")
                    .stringType()
                    .defaultValue("committed")
                    .withDescription(
                            "Where a fresh start (no checkpoint) reads from: 'committed' (the"
                                    + " group's committed offsets, else earliest), 'earliest' or"
                                    + " 'latest'.");

    public static final ConfigOption<Boolean> KAFKA_BOUNDED =
            ConfigOptions.key("kafka.bounded")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Stop at the offsets that are the latest when the job starts, then"
                                    + " finish: every pending match completes and the job ends."
                                    + " For replaying a backlog (and the demo's --once).");

    public static final ConfigOption<String> KAFKA_PROPERTIES =
            ConfigOptions.key("kafka.properties")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Path of a Kafka client properties file applied to the source and the"
                                    + " dead-letter producer (security.protocol, sasl.*, ssl.*).");

    public static final ConfigOption<Duration> KAFKA_PARTITION_DISCOVERY =
            ConfigOptions.key("kafka.partition-discovery")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription("How often new partitions of the topic are discovered.");

    public static final ConfigOption<String> DLQ_TOPIC =
            ConfigOptions.key("dlq.topic")
                    .stringType()
                    .defaultValue("nginx-dlq")
                    .withDescription(
                            "Topic for records the job cannot use (JSON with reason, raw,"
                                    + " topic, partition, offset).");

    public static final ConfigOption<String> REDIS_URL =
            ConfigOptions.key(RedisOption.URL.key())
                    .stringType()
                    .defaultValue(RedisOption.URL.defaultValue())
                    .withDescription(RedisOption.URL.description());

    public static final ConfigOption<String> REDIS_TLS_CA_FILE =
            ConfigOptions.key(RedisOption.TLS_CA_FILE.key())
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            RedisOption.TLS_CA_FILE.description()
                                    + " Read when the job is submitted, so TaskManagers need no copy.");

    public static final ConfigOption<String> REDIS_PASSWORD_FILE =
            ConfigOptions.key(RedisOption.PASSWORD_FILE.key())
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            RedisOption.PASSWORD_FILE.description()
                                    + " (`flink run` logs its command line.)");

    public static final ConfigOption<String> REDIS_LIST =
            ConfigOptions.key(RedisOption.LIST.key())
                    .stringType()
                    .defaultValue(RedisOption.LIST.defaultValue())
                    .withDescription(RedisOption.LIST.description());

    public static final ConfigOption<Duration> REDIS_RETRY_TIMEOUT =
            ConfigOptions.key("redis.retry-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "How long a write retries a lost Redis connection before the job"
                                    + " fails and restarts from its last checkpoint.");

    public static final ConfigOption<String> RULES =
            ConfigOptions.key("rules")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Directory of rule files (*.yaml). Default: the rules bundled in the"
                                    + " jar at build time.");

    public static final ConfigOption<String> RULES_THRESHOLD_OPERATOR =
            ConfigOptions.key("rules.threshold-operator")
                    .stringType()
                    .defaultValue("grouped")
                    .withDescription(
                            "Operator for threshold rules: grouped (one keyed operator per"
                                    + " group_by for all its non-sequence rules, a count per rule"
                                    + " and key, constant work per event; sliding-count is an"
                                    + " alias) or cep (the rule's Flink CEP pattern, work per"
                                    + " event grows with the threshold). Both give the same"
                                    + " alerts; their state differs, so switching needs a restart"
                                    + " without that state (--allowNonRestoredState). Sequence"
                                    + " rules always run on CEP; the other kinds (distinct,"
                                    + " ratio, ...) have no CEP form and always run grouped.");

    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS =
            ConfigOptions.key("events.max-out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "How late (in event time) an event may arrive behind the newest one"
                                    + " and still be counted. Alerts wait this long.");

    public static final ConfigOption<Duration> PARTITION_IDLENESS =
            ConfigOptions.key("events.partition-idleness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "After this long without events a Kafka partition no longer holds"
                                    + " event time back. 0 disables.");

    public static final ConfigOption<Duration> IDLE_FLUSH_AFTER =
            ConfigOptions.key("events.idle-flush-after")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(15))
                    .withDescription(
                            "After this long without any event, event time moves forward by the"
                                    + " wall-clock time that passes, so the last burst still"
                                    + " alerts. 0 disables.");

    public static final ConfigOption<Duration> MAX_FUTURE_SKEW =
            ConfigOptions.key("events.max-future-skew")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription(
                            "Events stamped further than this ahead of the wall clock are dead"
                                    + " letters (they would otherwise move event time ahead).");

    public static final ConfigOption<Integer> MAX_LINE_BYTES =
            ConfigOptions.key("events.max-line-bytes")
                    .intType()
                    .defaultValue(65536)
                    .withDescription("Records longer than this are dead letters.");

    public static final ConfigOption<String> INPUT_LOG_FORMAT =
            ConfigOptions.key("input.log-format")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A custom text log format, tried before the built-in shapes (JSON,"
                                    + " combined, common, vhost_combined): an nginx log_format"
                                    + " string ('$remote_addr - $remote_user [$time_local]"
                                    + " ...'), the directive's arguments with escape=json|none"
                                    + " first, or an Apache LogFormat string ('%h %l %u %t"
                                    + " \\\"%r\\\" %>s %b'). Not together with"
                                    + " input.log-format-file.");

    public static final ConfigOption<String> INPUT_LOG_FORMAT_FILE =
            ConfigOptions.key("input.log-format-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "An nginx.conf to read the log_format named by"
                                    + " input.log-format-name from (quoted parts concatenated,"
                                    + " escape= honoured; include files are not followed).");

    public static final ConfigOption<String> INPUT_LOG_FORMAT_NAME =
            ConfigOptions.key("input.log-format-name")
                    .stringType()
                    .defaultValue("main")
                    .withDescription(
                            "The name of the log_format in input.log-format-file (nginx's"
                                    + " default nginx.conf calls it main; combined is nginx's"
                                    + " built-in one).");

    public static final List<ConfigOption<?>> ALL =
            List.of(
                    KAFKA_BOOTSTRAP_SERVERS,
                    KAFKA_TOPIC,
                    KAFKA_GROUP_ID,
                    KAFKA_STARTING_OFFSETS,
                    KAFKA_BOUNDED,
                    KAFKA_PROPERTIES,
                    KAFKA_PARTITION_DISCOVERY,
                    DLQ_TOPIC,
                    REDIS_URL,
                    REDIS_TLS_CA_FILE,
                    REDIS_PASSWORD_FILE,
                    REDIS_LIST,
                    REDIS_RETRY_TIMEOUT,
                    RULES,
                    RULES_THRESHOLD_OPERATOR,
                    MAX_OUT_OF_ORDERNESS,
                    PARTITION_IDLENESS,
                    IDLE_FLUSH_AFTER,
                    MAX_FUTURE_SKEW,
                    MAX_LINE_BYTES,
                    INPUT_LOG_FORMAT,
                    INPUT_LOG_FORMAT_FILE,
                    INPUT_LOG_FORMAT_NAME);
}
