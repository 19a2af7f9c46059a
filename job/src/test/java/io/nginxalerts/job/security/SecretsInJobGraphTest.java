package io.nginxalerts.job.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nginxalerts.job.AlertJob;
import io.nginxalerts.job.JobSettings;
import io.nginxalerts.job.cli.Args;
import io.nginxalerts.job.testing.TestRules;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets given to the job (the Redis password in {@code --redis.url}, SASL credentials in the
 * {@code kafka.properties} file) reach the clients that need them and nothing that is shown: not
 * the settings line the job logs, not the job's configuration or its global job parameters (the web
 * UI's "Configuration" tab), not operator names or descriptions (the job graph in the web UI), not
 * the execution plan, not an error message about a bad value.
 */
class SecretsInJobGraphTest {
    private static final String REDIS_PASSWORD = "redis-pw-7f3a9c";
    private static final String KAFKA_PASSWORD = "kafka-scram-pw-41d0e2";

    @Test
    void noSecretInTheJobGraphPlanConfigurationOrOperatorNames(@TempDir Path tmp) throws Exception {
        JobSettings settings = settingsWithSecrets(tmp);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        AlertJob.build(
                env,
                settings,
                List.of(TestRules.clientErrorsBurst(), TestRules.loginBruteForceSuccess()));

        List<String> shown = new ArrayList<>();
        shown.add(settings.describe());
        shown.add(settings.toString());
        shown.add(env.getExecutionPlan());
        StreamGraph streamGraph = env.getStreamGraph(false);
        shown.add(streamGraph.getStreamingPlanAsJSON());
        shown.add(streamGraph.getJobName());
        for (StreamNode node : streamGraph.getStreamNodes()) {
            shown.add(node.getOperatorName());
            shown.add(node.getOperatorDescription());
            shown.add(String.valueOf(node.getOperatorFactory()));
        }
        shown.add(env.getConfiguration().toMap().toString());
        shown.add(env.getConfig().getGlobalJobParameters().toMap().toString());

        JobGraph jobGraph = streamGraph.getJobGraph();
        shown.add(jobGraph.getName());
        shown.add(jobGraph.getJobConfiguration().toMap().toString());
        ExecutionConfig executionConfig =
                jobGraph.getSerializedExecutionConfig()
                        .deserializeValue(getClass().getClassLoader());
        shown.add(executionConfig.getGlobalJobParameters().toMap().toString());
        shown.add(executionConfig.toString());
        for (JobVertex vertex : jobGraph.getVertices()) {
            shown.add(vertex.getName());
            shown.add(vertex.getOperatorName());
            shown.add(vertex.getOperatorDescription());
            shown.add(vertex.getOperatorPrettyName());
        }

        assertThat(shown).hasSizeGreaterThan(20);
        assertThat(String.join("\n", shown))
                .contains("Redis list nginx:alerts")
                .doesNotContain(REDIS_PASSWORD)
                .doesNotContain(KAFKA_PASSWORD);
    }

    @Test
    void kafkaPropertiesReachTheSourceAndTheDeadLetterProducer(@TempDir Path tmp) throws Exception {
        JobSettings settings = settingsWithSecrets(tmp);

        Properties source = field(AlertJob.kafkaSource(settings), KafkaSource.class, "props");
        Properties producer =
                field(AlertJob.deadLetterSink(settings), KafkaSink.class, "kafkaProducerConfig");

        for (Properties p : List.of(source, producer)) {
            assertThat(p)
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12")
                    .containsEntry("ssl.endpoint.identification.algorithm", "https");
            assertThat((String) p.get("sasl.jaas.config")).contains(KAFKA_PASSWORD);
        }
        // The job's own settings win over the file for what the job must control.
        assertThat(source)
                .containsEntry("bootstrap.servers", "kafka-1:9093")
                .containsEntry("group.id", "nginx-alerts");
    }

    @Test
    void badValuesAreReportedWithoutThePassword() {
        for (String url :
                List.of(
                        "redis://alerts:" + REDIS_PASSWORD + "@redis:notaport",
                        "redis://alerts:" + REDIS_PASSWORD + "@red is:6379",
                        "http://alerts:" + REDIS_PASSWORD + "@redis:6379",
                        "redis://alerts:" + REDIS_PASSWORD + "@redis:6379/zero",
                        "redis://" + REDIS_PASSWORD + "@/x")) {
            assertThatThrownBy(
                            () ->
                                    JobSettings.from(
                                            Map.of(
                                                    "kafka.bootstrap-servers",
                                                    "k:9092",
                                                    "redis.url",
                                                    url),
                                            true))
                    .as(url)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("--redis.url: ")
                    .satisfies(e -> RedisAuthTlsITCase.assertNoSecretIn(e, REDIS_PASSWORD));
        }
    }

    @Test
    void aPasswordFileKeepsThePasswordOffTheCommandLine(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("pw"), REDIS_PASSWORD + "\n");
        String[] args = {
            "--kafka.bootstrap-servers", "k:9092",
            "--redis.url", "redis://alerts@redis:6379",
            "--redis.password-file", file.toString()
        };
        JobSettings settings = JobSettings.from(Args.parse(args).flat(Set.of()), true);

        assertThat(String.join(" ", args)).doesNotContain(REDIS_PASSWORD);
        assertThat(settings.redis().user()).isEqualTo("alerts");
        assertThat(settings.redis().password()).isEqualTo(REDIS_PASSWORD);
        assertThat(settings.describe()).doesNotContain(REDIS_PASSWORD);

        assertThatThrownBy(
                        () ->
                                JobSettings.from(
                                        Map.of(
                                                "kafka.bootstrap-servers", "k:9092",
                                                "redis.url", "redis://a:other@redis:6379",
                                                "redis.password-file", file.toString()),
                                        true))
                .hasMessage("--redis.password-file: redis.url has a password already");
    }

    private static JobSettings settingsWithSecrets(Path tmp) throws Exception {
        Path kafka =
                Files.writeString(
                        tmp.resolve("kafka.properties"),
                        String.join(
                                "\n",
                                "security.protocol=SASL_SSL",
                                "sasl.mechanism=SCRAM-SHA-512",
                                "sasl.jaas.config=org.apache.kafka.common.security.scram"
                                        + ".ScramLoginModule required username=\"alerts\""
                                        + " password=\""
                                        + KAFKA_PASSWORD
                                        + "\";",
                                "ssl.truststore.location=/etc/kafka/truststore.p12",
                                "ssl.endpoint.identification.algorithm=https",
                                "bootstrap.servers=ignored:1",
                                "group.id=ignored"));
        return JobSettings.from(
                Args.parse(
                                new String[] {
                                    "--kafka.bootstrap-servers",
                                    "kafka-1:9093",
                                    "--kafka.properties",
                                    kafka.toString(),
                                    "--redis.url",
                                    "rediss://alerts:" + REDIS_PASSWORD + "@redis:6380/1"
                                })
                        .flat(Set.of()),
                true);
    }

    @SuppressWarnings("unchecked")
    private static <T> T field(Object target, Class<?> type, String name) throws Exception {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return (T) f.get(target);
    }
}
