package io.nginxalerts.e2e;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.job.testing.JobArgs;
import io.nginxalerts.job.testing.RedisAlerts;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.RedisExtension;
import io.nginxalerts.testing.ServerExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shaded job jar on a real standalone session cluster (JobManager and TaskManager in their own
 * JVMs, started by {@code cluster/bin/flink-local} with the project's {@code flink-conf}),
 * submitted with {@code flink run -d} as the README shows, with the bundled rules; events go
 * through a real Kafka broker, alerts land in a real redis-server. The last test stops the cluster
 * and checks that no process is left.
 */
@TestMethodOrder(OrderAnnotation.class)
class FlinkClusterITCase {
    private static final String TOPIC = "nginx-cluster";
    private static final String DLQ = "nginx-cluster-dlq";
    private static final String LIST = "e2e:alerts:cluster";

    /** Names Flink gives operators that were not named; none may appear in the job. */
    private static final Pattern DEFAULT_NAME =
            Pattern.compile(
                    "(^|-> |\\(|, )(Map|Filter|Flat Map|Process|KeyedProcess|CepOperator|Unnamed"
                            + "|Sink: Unnamed|Source: Custom Source|Timestamps/Watermarks)"
                            + "( ->|,|\\)|$)");

    private static final Pattern IDENTITY = Pattern.compile("@[0-9a-f]{4,}\\b");

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension().withTopic(TOPIC, 1).withTopic(DLQ, 1);

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @RegisterExtension
    static final ServerExtension<LocalFlinkCluster> FLINK =
            LocalFlinkCluster.extension("FlinkClusterITCase");

    static String jobId;

    @BeforeAll
    static void submitTheJob() throws Exception {
        jobId =
                FLINK.get()
                        .runDetached(
                                List.of(),
                                LocalFlinkCluster.JOB_JAR,
                                JobArgs.of(KAFKA.bootstrapServers(), TOPIC, DLQ, REDIS.url(), LIST)
                                        .args());
    }

    @Test
    @Order(1)
    void submittedJobRunsWithEveryTaskRunning() {
        JsonNode job = FLINK.get().awaitAllTasksRunning(jobId, Duration.ofMinutes(1));
        assertThat(LocalFlinkCluster.allTasksRunning(job)).as("job %s", job).isTrue();
        assertThat(job.path("name").asText()).isEqualTo("nginx-alerts");

        JsonNode overview = FLINK.get().getJson("/jobs/overview");
        assertThat(overview.path("jobs"))
                .anySatisfy(
                        j -> {
                            assertThat(j.path("jid").asText()).isEqualTo(jobId);
                            assertThat(j.path("state").asText()).isEqualTo("RUNNING");
                        });
    }

    @Test
    @Order(2)
    void everyOperatorHasItsOwnName() throws IOException {
        JsonNode job = FLINK.get().awaitAllTasksRunning(jobId, Duration.ofMinutes(1));
        List<String> vertices = new ArrayList<>();
        job.path("vertices").forEach(v -> vertices.add(v.path("name").asText()));
        String all = String.join("\n", vertices);

        assertThat(vertices).noneMatch(name -> DEFAULT_NAME.matcher(name).find());
        assertThat(vertices)
                .anyMatch(name -> name.startsWith("Source: Kafka topic " + TOPIC + " -> "));
        assertThat(all).contains("Route: ", "Alerts → ", "Dead letters → ");
        for (String rule : bundledRuleIds()) {
            // Sequence rules have their own filter, CEP and episode operators; every other
            // rule runs in the one operator of its group_by, whose name lists it.
            boolean grouped =
                    vertices.stream()
                            .anyMatch(
                                    v ->
                                            v.contains("Rules by ")
                                                    && (v.contains(": " + rule)
                                                            || v.contains(", " + rule)));
            assertThat(grouped || all.contains("Rule " + rule + ": CEP "))
                    .as("operator of rule %s", rule)
                    .isTrue();
        }
        assertThat(all)
                .contains(
                        "Rule login-brute-force-success: CEP ",
                        "Rule login-brute-force-success: episodes, resolved after ",
                        "Rules by clientip: ");
    }

    @Test
    @Order(2)
    void operatorNamesAreTheSameOnEverySubmission() {
        // An object's identity in a name (Foo@1b2c3d) changes on every submission, and with it
        // the operator's metric names.
        JsonNode job = FLINK.get().awaitAllTasksRunning(jobId, Duration.ofMinutes(1));
        List<String> vertices = new ArrayList<>();
        job.path("vertices").forEach(v -> vertices.add(v.path("name").asText()));
        assertThat(vertices).noneMatch(name -> IDENTITY.matcher(name).find());
    }

    @Test
    @Order(3)
    void webUiIsServed() {
        HttpResponse<String> page = FLINK.get().get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Apache Flink Web Dashboard</title>");

        JsonNode config = FLINK.get().getJson("/config");
        assertThat(config.path("flink-version").asText()).isEqualTo("2.2.1");
    }

    @Test
    @Order(4)
    void burstOfClientErrorsFromOneClientAlertsInRedis() throws Exception {
        FLINK.get().awaitAllTasksRunning(jobId, Duration.ofMinutes(1));
        // An hour ago: well inside events.max-future-skew whatever the machine's clock says.
        Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            lines.add(
                    request(start.plusSeconds(i), "203.0.113.50").status(404).url("/p" + i).line());
            lines.add(request(start.plusSeconds(i), "198.51.100.7").url("/ok").line());
        }
        KAFKA.produceLines(TOPIC, lines);

        List<Alert> alerts = RedisAlerts.await(REDIS.port(), LIST, 1, Duration.ofMinutes(2));

        assertThat(alerts).hasSize(1);
        Alert alert = alerts.get(0);
        assertThat(alert.rule()).isEqualTo("client-errors-burst");
        assertThat(alert.key()).containsEntry("clientip", "203.0.113.50");
        assertThat(alert.count()).isEqualTo(20);
        assertThat(alert.firstSeen()).isEqualTo(start.toEpochMilli());
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void stoppingTheClusterLeavesNoProcessAndFreesTheRestPort() {
        List<Long> pids = FLINK.get().pids();
        assertThat(pids).hasSize(2);
        assertThat(FLINK.get().alivePids()).containsExactlyElementsOf(pids);

        FLINK.get().close();

        assertThat(FLINK.get().alivePids()).isEmpty();
        assertThat(listening(FLINK.get().restUrl().getPort())).isFalse();
        assertThat(FLINK.get().dir().resolve("jobmanager.pid")).doesNotExist();
        assertThat(FLINK.get().dir().resolve("taskmanager.pid")).doesNotExist();
        assertThat(FLINK.get().dir().resolve("tmp")).doesNotExist();
    }

    private static List<String> bundledRuleIds() throws IOException {
        // Rules live in folders (http/, reliability/); allowlist.yaml and lists/ are not rules.
        Path root = LocalFlinkCluster.ROOT.resolve("rules");
        try (Stream<Path> files = Files.walk(root)) {
            List<String> ids =
                    files.filter(f -> !root.relativize(f).startsWith("lists"))
                            .map(f -> f.getFileName().toString())
                            .filter(f -> f.endsWith(".yaml") && !f.equals("allowlist.yaml"))
                            .map(f -> f.substring(0, f.length() - ".yaml".length()))
                            .sorted()
                            .toList();
            assertThat(ids).isNotEmpty();
            return ids;
        }
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
