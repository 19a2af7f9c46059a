package io.nginxalerts.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.job.testing.LocalNginx;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.RedisExtension;
import io.nginxalerts.testing.ServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real nginx to alert, with nothing simulated: the {@link NginxScenario} requests to a real nginx
 * running the shipped {@code nginx/nginx.conf}; its JSON access log shipped into a real Kafka with
 * {@code kcat} (standing in for Logstash); the shaded job on a standalone Flink cluster; the worker
 * jar delivering from Redis to a file.
 */
class NginxEndToEndITCase {
    static final Path KCAT = Path.of("/usr/bin/kcat");
    static final Pattern CLIENTIP = Pattern.compile("\"clientip\":\"([^\"]+)\"");

    @RegisterExtension
    static final KafkaExtension KAFKA =
            new KafkaExtension().withTopic("nginx", 2).withTopic("nginx-dlq", 1);

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @RegisterExtension
    static final ServerExtension<LocalFlinkCluster> FLINK =
            LocalFlinkCluster.extension("NginxEndToEndITCase");

    @TempDir Path tmp;

    @Test
    void theAttackingAddressesGetExactlyTheExpectedAlertsAndTheOthersNone() throws Exception {
        assertThat(Files.isExecutable(LocalNginx.BINARY)).as(LocalNginx.missingMessage()).isTrue();
        assertThat(Files.isExecutable(KCAT))
                .as("%s not found: apt-get install -y kcat (`./nginx-alerts test` does it)", KCAT)
                .isTrue();

        Path accessLog;
        try (LocalNginx nginx =
                LocalNginx.prepare(LocalFlinkCluster.ROOT.resolve("nginx"), tmp.resolve("nginx"))) {
            nginx.start();
            NginxScenario.play(nginx.port());
            accessLog = nginx.accessLog();
        }
        List<String> logged = Files.readAllLines(accessLog);
        assertThat(logged).hasSize(NginxScenario.REQUESTS);

        ship(accessLog, KAFKA.bootstrapServers(), "nginx");

        // The shipped log is the whole input: the job reads it, then finishes.
        assertThat(
                        NginxScenario.alertsOfBoundedRun(
                                FLINK.get(), KAFKA.bootstrapServers(), REDIS, "nginx:alerts", tmp))
                .isEqualTo(NginxScenario.EXPECTED_RULES_BY_CLIENT);
        assertThat(KAFKA.consume("nginx-dlq", 1, Duration.ofSeconds(2))).isEmpty();
    }

    /**
     * {@code kcat -P -K TAB -l}: one Kafka record per line, keyed by clientip as the shipped
     * Logstash pipeline keys them, so one client's requests stay in order on one partition (nginx
     * times have one-second resolution; order within a second is the log's order).
     */
    private static void ship(Path log, String bootstrap, String topic) throws Exception {
        Path keyed = log.resolveSibling("keyed.log");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            Matcher ip = CLIENTIP.matcher(line);
            assertThat(ip.find()).as("clientip in %s", line).isTrue();
            lines.add(ip.group(1) + "\t" + line);
        }
        Files.write(keyed, lines);
        Process kcat =
                new ProcessBuilder(
                                KCAT.toString(),
                                "-P",
                                "-b",
                                bootstrap,
                                "-t",
                                topic,
                                "-K",
                                "\t",
                                "-l",
                                keyed.toString())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kcat.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kcat.exitValue()).as("kcat: %s", output).isZero();
    }
}
