package io.nginxalerts.job;

import io.nginxalerts.core.parse.LogFormat;
import io.nginxalerts.core.parse.LogFormatException;
import io.nginxalerts.core.parse.NginxConf;
import io.nginxalerts.core.redis.RedisEndpoint;
import io.nginxalerts.core.redis.RedisOption;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleException;
import io.nginxalerts.core.rules.RuleLoader;
import io.nginxalerts.job.rules.ThresholdOperator;
import io.nginxalerts.job.time.EventTimeSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * All job settings, read from {@code --key value} arguments and validated once. Construction fails
 * with an {@link IllegalArgumentException} whose message names the bad key; nothing is checked
 * later at run time.
 */
public record JobSettings(
        String kafkaBootstrapServers,
        String kafkaTopic,
        String kafkaGroupId,
        String kafkaStartingOffsets,
        boolean kafkaBounded,
        Properties kafkaProperties,
        Duration kafkaPartitionDiscovery,
        String dlqTopic,
        RedisEndpoint redis,
        String redisList,
        Duration redisRetryTimeout,
        Path rulesDir,
        ThresholdOperator thresholdOperator,
        EventTimeSettings time,
        Duration maxFutureSkew,
        int maxLineBytes,
        LogFormat logFormat) {

    private static final Set<String> STARTING_OFFSETS = Set.of("committed", "earliest", "latest");

    /**
     * Validates the given options.
     *
     * @param requireKafka whether {@code kafka.bootstrap-servers} must be set (the streaming job)
     *     or may be absent (backtest)
     */
    public static JobSettings from(Map<String, String> options, boolean requireKafka) {
        return from(options, Map.of(), requireKafka);
    }

    /**
     * Validates the given options; a Redis option that is not given is read from its environment
     * variable ({@link RedisOption#env()}, the worker's too), so one environment configures both.
     */
    public static JobSettings from(
            Map<String, String> options, Map<String, String> env, boolean requireKafka) {
        options = withRedisEnvironment(options, env);
        Set<String> known = new TreeSet<>();
        for (ConfigOption<?> option : JobOptions.ALL) {
            known.add(option.key());
        }
        for (String key : options.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException(
                        "unknown option --"
                                + key
                                + " (known: --"
                                + String.join(", --", known)
                                + ")");
            }
        }
        Configuration config = Configuration.fromMap(options);
        String bootstrap = get(config, JobOptions.KAFKA_BOOTSTRAP_SERVERS);
        if (requireKafka && (bootstrap == null || bootstrap.isBlank())) {
            throw new IllegalArgumentException(
                    "--" + JobOptions.KAFKA_BOOTSTRAP_SERVERS.key() + " is required");
        }
        String offsets = get(config, JobOptions.KAFKA_STARTING_OFFSETS);
        if (!STARTING_OFFSETS.contains(offsets)) {
            throw new IllegalArgumentException(
                    "--"
                            + JobOptions.KAFKA_STARTING_OFFSETS.key()
                            + " must be one of "
                            + STARTING_OFFSETS
                            + ", was "
                            + offsets);
        }
        RedisEndpoint redis;
        try {
            redis =
                    RedisEndpoint.fromSettings(
                            get(config, JobOptions.REDIS_URL),
                            get(config, JobOptions.REDIS_PASSWORD_FILE),
                            get(config, JobOptions.REDIS_TLS_CA_FILE));
        } catch (RedisEndpoint.InvalidRedisSetting e) {
            throw new IllegalArgumentException("--" + e.option().key() + ": " + e.getMessage(), e);
        }
        String rules = get(config, JobOptions.RULES);
        Path rulesDir = rules == null ? null : Path.of(rules);
        if (rulesDir != null && !Files.isDirectory(rulesDir)) {
            throw new IllegalArgumentException(
                    "--" + JobOptions.RULES.key() + ": not a directory: " + rules);
        }
        ThresholdOperator thresholdOperator;
        try {
            thresholdOperator =
                    ThresholdOperator.parse(get(config, JobOptions.RULES_THRESHOLD_OPERATOR));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--" + JobOptions.RULES_THRESHOLD_OPERATOR.key() + " " + e.getMessage(), e);
        }
        int maxLineBytes = get(config, JobOptions.MAX_LINE_BYTES);
        if (maxLineBytes < 256) {
            throw new IllegalArgumentException(
                    "--" + JobOptions.MAX_LINE_BYTES.key() + " must be at least 256");
        }
        return new JobSettings(
                bootstrap,
                nonBlank(config, JobOptions.KAFKA_TOPIC),
                nonBlank(config, JobOptions.KAFKA_GROUP_ID),
                offsets,
                get(config, JobOptions.KAFKA_BOUNDED),
                kafkaProperties(get(config, JobOptions.KAFKA_PROPERTIES)),
                positive(config, JobOptions.KAFKA_PARTITION_DISCOVERY),
                nonBlank(config, JobOptions.DLQ_TOPIC),
                redis,
                nonBlank(config, JobOptions.REDIS_LIST),
                positive(config, JobOptions.REDIS_RETRY_TIMEOUT),
                rulesDir,
                thresholdOperator,
                new EventTimeSettings(
                        notNegative(config, JobOptions.MAX_OUT_OF_ORDERNESS),
                        notNegative(config, JobOptions.PARTITION_IDLENESS),
                        notNegative(config, JobOptions.IDLE_FLUSH_AFTER)),
                notNegative(config, JobOptions.MAX_FUTURE_SKEW),
                maxLineBytes,
                logFormat(config));
    }

    /**
     * The custom log format of the {@code input.log-format*} options, or null when none is given.
     * Used by the job, the backtest, the demo and {@code validate} alike.
     *
     * @throws IllegalArgumentException naming the option key (and the offending variable) when the
     *     format cannot be read or compiled
     */
    public static LogFormat logFormat(Map<String, String> options) {
        return logFormat(Configuration.fromMap(options));
    }

    private static LogFormat logFormat(Configuration config) {
        String inline = get(config, JobOptions.INPUT_LOG_FORMAT);
        String file = get(config, JobOptions.INPUT_LOG_FORMAT_FILE);
        if (inline != null && file != null) {
            throw new IllegalArgumentException(
                    "--"
                            + JobOptions.INPUT_LOG_FORMAT.key()
                            + " and --"
                            + JobOptions.INPUT_LOG_FORMAT_FILE.key()
                            + " exclude each other");
        }
        if (inline != null) {
            try {
                return LogFormat.fromOption(inline);
            } catch (LogFormatException e) {
                throw new IllegalArgumentException(
                        "--" + JobOptions.INPUT_LOG_FORMAT.key() + ": " + e.getMessage(), e);
            }
        }
        if (file == null) {
            return null;
        }
        String name = get(config, JobOptions.INPUT_LOG_FORMAT_NAME);
        try {
            return NginxConf.logFormat(Path.of(file), name);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--"
                            + JobOptions.INPUT_LOG_FORMAT_FILE.key()
                            + ": cannot read "
                            + file
                            + ": "
                            + e,
                    e);
        } catch (LogFormatException e) {
            throw new IllegalArgumentException(
                    "--"
                            + JobOptions.INPUT_LOG_FORMAT_FILE.key()
                            + " "
                            + file
                            + ", --"
                            + JobOptions.INPUT_LOG_FORMAT_NAME.key()
                            + " "
                            + name
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static Map<String, String> withRedisEnvironment(
            Map<String, String> options, Map<String, String> env) {
        Map<String, String> merged = new HashMap<>(options);
        for (RedisOption option : RedisOption.values()) {
            String value = env.get(option.env());
            if (value != null && !value.isBlank()) {
                merged.putIfAbsent(option.key(), value);
            }
        }
        return merged;
    }

    /** The rules from {@code --rules}, or the set bundled in the jar. */
    public List<Rule> loadRules() throws RuleException {
        return rulesDir != null
                ? RuleLoader.loadDirectory(rulesDir)
                : RuleLoader.loadClasspath("rules", JobSettings.class.getClassLoader());
    }

    private static <T> T get(Configuration config, ConfigOption<T> option) {
        try {
            return config.get(option);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + option.key() + ": " + e.getMessage(), e);
        }
    }

    private static String nonBlank(Configuration config, ConfigOption<String> option) {
        String value = get(config, option);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + option.key() + " must not be empty");
        }
        return value;
    }

    private static Duration notNegative(Configuration config, ConfigOption<Duration> option) {
        Duration value = get(config, option);
        if (value.isNegative()) {
            throw new IllegalArgumentException("--" + option.key() + " must not be negative");
        }
        return value;
    }

    private static Duration positive(Configuration config, ConfigOption<Duration> option) {
        Duration value = notNegative(config, option);
        if (value.isZero()) {
            throw new IllegalArgumentException("--" + option.key() + " must be positive");
        }
        return value;
    }

    private static Properties kafkaProperties(String path) {
        Properties properties = new Properties();
        if (path == null) {
            return properties;
        }
        try (Reader reader = Files.newBufferedReader(Path.of(path))) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--" + JobOptions.KAFKA_PROPERTIES.key() + ": cannot read " + path + ": " + e,
                    e);
        }
        return properties;
    }

    /** Settings safe to log: no passwords. */
    public String describe() {
        return "kafka="
                + kafkaBootstrapServers
                + " topic="
                + kafkaTopic
                + " group="
                + kafkaGroupId
                + " dlq="
                + dlqTopic
                + " redis="
                + redis
                + " list="
                + redisList
                + " rules="
                + (rulesDir == null ? "(bundled)" : rulesDir)
                + " thresholds="
                + thresholdOperator
                + " time="
                + time
                + (logFormat == null ? "" : " log-format=" + logFormat.source());
    }

    @Override
    public String toString() {
        return "JobSettings{" + describe() + "}";
    }
}
