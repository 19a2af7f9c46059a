package io.nginxalerts.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nginxalerts.job.cli.Args;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobSettingsTest {
    static JobSettings settings(boolean requireKafka, String... args) {
        return JobSettings.from(Args.parse(args).flat(Set.of()), requireKafka);
    }

    @Test
    void appliesDocumentedDefaults() {
        JobSettings s = settings(true, "--kafka.bootstrap-servers", "kafka:9092");
        assertThat(s.kafkaTopic()).isEqualTo("nginx");
        assertThat(s.dlqTopic()).isEqualTo("nginx-dlq");
        assertThat(s.redisList()).isEqualTo("nginx:alerts");
        assertThat(s.redis().host()).isEqualTo("localhost");
        assertThat(s.time().maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.rulesDir()).isNull();
    }

    @Test
    void requiresKafkaBootstrapServersForTheStreamingJob() {
        assertThatThrownBy(() -> settings(true))
                .hasMessageContaining("--kafka.bootstrap-servers is required");
    }

    @Test
    void refusesAnUnknownOptionByName() {
        assertThatThrownBy(() -> settings(false, "--redis.uri", "redis://x"))
                .hasMessageContaining("unknown option --redis.uri")
                .hasMessageContaining("--redis.url");
    }

    @Test
    void namesTheKeyOfAValueThatDoesNotParse() {
        assertThatThrownBy(() -> settings(false, "--events.max-out-of-orderness", "soon"))
                .hasMessageContaining("--events.max-out-of-orderness");
    }

    @Test
    void refusesANegativeDurationNamingTheKey() {
        assertThatThrownBy(() -> settings(false, "--events.idle-flush-after", "-5 s"))
                .hasMessageStartingWith("--events.idle-flush-after");
    }

    @Test
    void refusesABadRedisUrlWithoutEchoingItsPassword() {
        assertThatThrownBy(() -> settings(false, "--redis.url", "http://u:hunter2@h"))
                .hasMessageContaining("--redis.url")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void refusesARulesPathThatIsNotADirectory() {
        assertThatThrownBy(() -> settings(false, "--rules", "/nonexistent/rules"))
                .hasMessageContaining("--rules: not a directory");
    }

    @Test
    void describesItselfWithoutSecrets() {
        JobSettings s =
                settings(
                        true,
                        "--kafka.bootstrap-servers",
                        "k:9092",
                        "--redis.url",
                        "redis://app:hunter2@r:6379");
        assertThat(s.describe()).contains("redis://app:***@r:6379").doesNotContain("hunter2");
        assertThat(s.toString()).doesNotContain("hunter2");
    }

    @Test
    void compilesTheCustomLogFormatOnceForEveryEntryPoint() {
        assertThat(settings(false).logFormat()).isNull();
        JobSettings s =
                settings(
                        false,
                        "--input.log-format",
                        "$remote_addr [$time_local] $status $upstream_addr");
        assertThat(s.logFormat().mappings()).hasSize(4);
    }

    @Test
    void aLogFormatFileFollowsItsIncludesAndNamesTheFileOfAMissingOne(@TempDir Path etc)
            throws IOException {
        Path conf = etc.resolve("nginx.conf");
        Files.writeString(conf, "http {\n  include conf.d/*.conf;\n}\n");
        Files.createDirectories(etc.resolve("conf.d"));
        Files.writeString(
                etc.resolve("conf.d/formats.conf"),
                "log_format edge '$remote_addr [$time_local] \"$request\" $status';\n");

        JobSettings s =
                settings(
                        false,
                        "--input.log-format-file",
                        conf.toString(),
                        "--input.log-format-name",
                        "edge");
        assertThat(s.logFormat().source())
                .isEqualTo("$remote_addr [$time_local] \"$request\" $status");

        Files.writeString(conf, "http { include formats.conf; }\n");
        assertThatThrownBy(
                        () ->
                                settings(
                                        false,
                                        "--input.log-format-file",
                                        conf.toString(),
                                        "--input.log-format-name",
                                        "edge"))
                .hasMessageStartingWith("--input.log-format-file " + conf)
                .hasMessageContaining("no file " + etc.resolve("formats.conf"));
    }

    @Test
    void aBrokenLogFormatNamesTheOptionKeyAndTheVariable() {
        assertThatThrownBy(() -> settings(false, "--input.log-format", "$remote_addr$status $msec"))
                .hasMessageStartingWith("--input.log-format: ")
                .hasMessageContaining("$status");
        assertThatThrownBy(
                        () -> settings(false, "--input.log-format-file", "/nonexistent/nginx.conf"))
                .hasMessageStartingWith("--input.log-format-file: cannot read");
        assertThatThrownBy(
                        () ->
                                settings(
                                        false,
                                        "--input.log-format",
                                        "$remote_addr $status $msec",
                                        "--input.log-format-file",
                                        "x"))
                .hasMessageContaining("exclude each other");
    }
}
