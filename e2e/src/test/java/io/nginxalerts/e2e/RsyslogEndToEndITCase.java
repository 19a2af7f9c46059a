package io.nginxalerts.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.job.testing.LocalNginx;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.Ports;
import io.nginxalerts.testing.RedisExtension;
import io.nginxalerts.testing.ServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real log shipper instead of kcat: the {@link NginxScenario} requests to a real nginx logging
 * with {@code access_log syslog:server=127.0.0.1:PORT,tag=nginx FORMAT}; a real rsyslogd running
 * the shipped {@code rsyslog/nginx-to-kafka.conf} (imudp in, omkafka out); a real Kafka; the shaded
 * job on a standalone Flink cluster, given no input option at all; the worker jar delivering from
 * Redis to a file. What reaches Kafka is the syslog datagram as nginx sent it, header included: the
 * job must unwrap it and read the line inside by itself.
 *
 * <p>Skipped (not failed) where rsyslog or its Kafka output is not installed: they are optional
 * tools of one deployment path; {@code ./nginx-alerts test} installs them with apt.
 */
@EnabledIf(
        value = "io.nginxalerts.e2e.LocalRsyslog#installed",
        disabledReason =
                "rsyslogd or omkafka.so not found: apt-get install -y rsyslog rsyslog-kafka"
                        + " (`./nginx-alerts test` does it); no service needs to run")
class RsyslogEndToEndITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @RegisterExtension
    static final ServerExtension<LocalFlinkCluster> FLINK =
            LocalFlinkCluster.extension("RsyslogEndToEndITCase");

    @TempDir Path tmp;

    /**
     * {@code combined} is nginx's default: syslog-wrapped text, so both the unwrapping and the text
     * parser are on the path; {@code alerts_json} is the project's own format over syslog.
     */
    @ParameterizedTest(name = "{0} over syslog")
    @ValueSource(strings = {"combined", "alerts_json"})
    void theAttackersGetExactlyTheirAlertsFromLinesNginxShipsThroughRsyslog(String format)
            throws Exception {
        assertThat(Files.isExecutable(LocalNginx.BINARY)).as(LocalNginx.missingMessage()).isTrue();
        String topic = "nginx-" + format.replace('_', '-');
        String dlqTopic = topic + "-dlq";
        String alertList = "nginx:alerts:" + format;
        KAFKA.createTopic(topic, 2);
        KAFKA.createTopic(dlqTopic, 1);

        int syslogPort = Ports.free();
        try (LocalRsyslog rsyslog =
                        LocalRsyslog.start(
                                tmp.resolve("rsyslog"),
                                syslogPort,
                                KAFKA.bootstrapServers(),
                                topic);
                LocalNginx nginx =
                        LocalNginx.prepare(
                                LocalFlinkCluster.ROOT.resolve("nginx"), tmp.resolve("nginx"))) {
            nginx.logTo("syslog:server=127.0.0.1:" + syslogPort + ",tag=nginx " + format);
            nginx.start();
            NginxScenario.play(nginx.port());

            List<String> shipped =
                    KAFKA.consume(topic, NginxScenario.REQUESTS, Duration.ofSeconds(60));
            assertThat(shipped)
                    .as("rsyslogd said: %s", rsyslog.output())
                    .hasSize(NginxScenario.REQUESTS);
            // The datagram as nginx sent it: <local7.info>, RFC 3164 time, host, tag.
            assertThat(shipped)
                    .allSatisfy(
                            record ->
                                    assertThat(record)
                                            .matches(
                                                    "<190>[A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d"
                                                            + " \\S+ nginx: "
                                                            + ("combined".equals(format)
                                                                    ? "127\\.0\\.0\\.\\d - - \\[.*"
                                                                    : "\\{\"@timestamp\".*")));
        }

        // What rsyslog shipped is the whole input: the job reads it, then finishes. No
        // input option: the syslog header and the line's format are recognised as they come.
        assertThat(
                        NginxScenario.alertsOfBoundedRun(
                                FLINK.get(),
                                KAFKA.bootstrapServers(),
                                REDIS,
                                alertList,
                                tmp,
                                "--kafka.topic",
                                topic,
                                "--dlq.topic",
                                dlqTopic))
                .isEqualTo(NginxScenario.EXPECTED_RULES_BY_CLIENT);
        assertThat(KAFKA.consume(dlqTopic, 1, Duration.ofSeconds(2))).isEmpty();
    }

    /**
     * The shipped queue settings at work: while the broker is down, rsyslog keeps what nginx sends
     * and delivers it once the broker is back, every line (compared with the same lines nginx also
     * wrote to a file). At least once, not exactly once: a record whose delivery report was lost in
     * the outage is sent again (seen here, README says so).
     */
    @Test
    void linesLoggedWhileKafkaIsDownAreDeliveredOnceItIsBackNoneLost() throws Exception {
        assertThat(Files.isExecutable(LocalNginx.BINARY)).as(LocalNginx.missingMessage()).isTrue();
        String topic = "nginx-outage";
        KAFKA.createTopic(topic, 2);
        int syslogPort = Ports.free();
        try (LocalRsyslog rsyslog =
                        LocalRsyslog.start(
                                tmp.resolve("rsyslog"),
                                syslogPort,
                                KAFKA.bootstrapServers(),
                                topic);
                LocalNginx nginx =
                        LocalNginx.prepare(
                                LocalFlinkCluster.ROOT.resolve("nginx"), tmp.resolve("nginx"))) {
            Path file = nginx.logs().resolve("access.log");
            nginx.logTo(
                    "syslog:server=127.0.0.1:" + syslogPort + ",tag=nginx combined",
                    file + " combined");
            nginx.start();
            KAFKA.kafka().stopBroker();
            try {
                NginxScenario.play(nginx.port());
            } finally {
                KAFKA.kafka().startBroker();
            }

            List<String> shipped =
                    KAFKA.consume(topic, NginxScenario.REQUESTS, Duration.ofMinutes(2));
            List<String> unmatched = new ArrayList<>();
            for (String record : shipped) {
                unmatched.add(record.substring(record.indexOf(" nginx: ") + " nginx: ".length()));
            }
            for (String line : Files.readAllLines(file)) {
                assertThat(unmatched.remove(line))
                        .as("%s shipped (rsyslogd said: %s)", line, rsyslog.output())
                        .isTrue();
            }
        }
    }
}
