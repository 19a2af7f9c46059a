package io.nginxalerts.e2e;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.job.testing.JobArgs;
import io.nginxalerts.job.testing.RedisAlerts;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.Poll;
import io.nginxalerts.testing.RedisExtension;
import io.nginxalerts.testing.ServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changing the rules of a running job without losing state, on a real session cluster and with the
 * Flink CLI commands the README shows: stop with a savepoint, then run the new jar/rules from it
 * with {@code --allowNonRestoredState}. A kept rule resumes its partial match, a new rule starts
 * empty, a removed rule's state is dropped — and only with {@code --allowNonRestoredState}.
 */
class SavepointRulesITCase {
    private static final String TOPIC = "nginx-savepoint";
    private static final String DLQ = "nginx-savepoint-dlq";
    private static final String LIST = "e2e:alerts:savepoint";

    /** Kept: 20 × 4xx per client within 10 minutes, so a partial match stays open meanwhile. */
    private static final String KEPT = "client-errors-kept";

    /** Removed in the second run: it holds a partial match when the savepoint is taken. */
    private static final String REMOVED = "admin-probe-removed";

    /** Added in the second run. */
    private static final String ADDED = "server-errors-added";

    private static final String ATTACKER = "203.0.113.66";
    private static final String PROBER = "198.51.100.23";
    private static final String BROKEN_CLIENT = "192.0.2.99";

    private static final Map<String, String> RULES =
            Map.of(
                    KEPT, TestRules.file(KEPT, TestRules.clientErrors(20, "10m")),
                    REMOVED, TestRules.file(REMOVED, TestRules.adminProbe(5, "10m")),
                    ADDED, TestRules.file(ADDED, TestRules.serverErrors(3, "10m")));

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension().withTopic(TOPIC, 1).withTopic(DLQ, 1);

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @RegisterExtension
    static final ServerExtension<LocalFlinkCluster> FLINK =
            LocalFlinkCluster.extension("SavepointRulesITCase");

    @Test
    void keptRuleResumesItsPartialMatchNewRuleStartsEmptyRemovedRuleIsDropped(@TempDir Path tmp)
            throws Exception {
        Path rulesBefore = writeRules(tmp.resolve("rules-before"), KEPT, REMOVED);
        Path rulesAfter = writeRules(tmp.resolve("rules-after"), KEPT, ADDED);
        Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

        // 1. Both rules see half of what they need.
        String first =
                FLINK.get().runDetached(List.of(), LocalFlinkCluster.JOB_JAR, jobArgs(rulesBefore));
        FLINK.get().awaitAllTasksRunning(first, Duration.ofMinutes(1));
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            before.add(request(start.plusSeconds(i), ATTACKER).status(404).url("/p" + i).line());
        }
        for (int i = 0; i < 2; i++) {
            before.add(request(start.plusSeconds(10 + i), PROBER).url("/admin/" + i).line());
        }
        KAFKA.produceLines(TOPIC, before);
        // The events must be in the rules' state, not still in Kafka, when the savepoint is taken.
        JsonNode running =
                Poll.until(
                        Duration.ofMinutes(1),
                        () -> FLINK.get().job(first),
                        job -> recordsIn(job, KEPT) >= 10 && recordsIn(job, REMOVED) >= 2);
        assertThat(recordsIn(running, KEPT)).as("events into %s", KEPT).isEqualTo(10);
        assertThat(recordsIn(running, REMOVED)).as("events into %s", REMOVED).isEqualTo(2);
        assertThat(RedisAlerts.read(REDIS.port(), LIST)).isEmpty();

        // 2. Stop with a savepoint.
        String savepoint =
                FLINK.get().stopWithSavepoint(first, FLINK.get().dir().resolve("savepoints"));
        assertThat(
                        FLINK.get()
                                .awaitJobState(first, "FINISHED", Duration.ofMinutes(1))
                                .path("state")
                                .asText())
                .isEqualTo("FINISHED");

        // 3. Without --allowNonRestoredState the removed rule's state has nowhere to go: the
        // JobManager refuses the job and `flink run` fails.
        List<String> refused = new ArrayList<>(List.of("run", "-d", "-s", savepoint));
        refused.add(LocalFlinkCluster.JOB_JAR.toString());
        refused.addAll(jobArgs(rulesAfter));
        LocalFlinkCluster.Result refusal = FLINK.get().flink(refused.toArray(String[]::new));
        assertThat(refusal.exitCode()).as(refusal.output()).isNotZero();
        assertThat(refusal.output())
                .contains("Cannot map checkpoint/savepoint state", "--allowNonRestoredState");

        // 4. With it, the new rules start from the savepoint.
        String second =
                FLINK.get()
                        .runDetached(
                                List.of("-s", savepoint, "--allowNonRestoredState"),
                                LocalFlinkCluster.JOB_JAR,
                                jobArgs(rulesAfter));
        FLINK.get().awaitAllTasksRunning(second, Duration.ofMinutes(1));
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            after.add(request(start.plusSeconds(120 + i), ATTACKER).status(404).line());
        }
        for (int i = 0; i < 3; i++) {
            // Would complete the removed rule's match (2 + 3 = 5) had its state been kept.
            after.add(request(start.plusSeconds(130 + i), PROBER).url("/admin/x").line());
            after.add(request(start.plusSeconds(130 + i), BROKEN_CLIENT).status(503).line());
        }
        KAFKA.produceLines(TOPIC, after);

        Map<String, Alert> alerts =
                RedisAlerts.await(REDIS.port(), LIST, 2, Duration.ofMinutes(2)).stream()
                        .collect(Collectors.toMap(Alert::rule, Function.identity()));
        assertThat(alerts).containsOnlyKeys(KEPT, ADDED);

        Alert kept = alerts.get(KEPT);
        assertThat(kept.key()).containsEntry("clientip", ATTACKER);
        assertThat(kept.count()).isEqualTo(20);
        assertThat(Instant.ofEpochMilli(kept.firstSeen()))
                .as("first event of the match, read before the savepoint")
                .isEqualTo(start);
        assertThat(Instant.ofEpochMilli(kept.lastSeen())).isEqualTo(start.plusSeconds(129));

        Alert added = alerts.get(ADDED);
        assertThat(added.key()).containsEntry("clientip", BROKEN_CLIENT);
        assertThat(added.count()).isEqualTo(3);
        assertThat(Instant.ofEpochMilli(added.firstSeen())).isEqualTo(start.plusSeconds(130));

        assertThat(FLINK.get().flink("cancel", second).exitCode()).isZero();
        FLINK.get().awaitJobState(second, "CANCELED", Duration.ofMinutes(1));
    }

    private static List<String> jobArgs(Path rules) {
        return JobArgs.of(KAFKA.bootstrapServers(), TOPIC, DLQ, REDIS.url(), LIST)
                .with("rules", rules.toString())
                .args();
    }

    /**
     * Records the rule's matching operator (the sliding count of a threshold rule) has received so
     * far (REST metrics, ~10 s behind).
     */
    private static long recordsIn(JsonNode job, String rule) {
        return LocalFlinkCluster.vertex(job, "Rule " + rule + ": count")
                .map(v -> v.path("metrics").path("read-records").asLong())
                .orElseThrow(
                        () -> new AssertionError("no matching vertex for " + rule + " in " + job));
    }

    private static Path writeRules(Path dir, String... ids) throws IOException {
        Files.createDirectories(dir);
        for (String id : ids) {
            Files.writeString(dir.resolve(id + ".yaml"), RULES.get(id));
        }
        return dir;
    }
}
