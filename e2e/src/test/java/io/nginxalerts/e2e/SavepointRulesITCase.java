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
 * Flink CLI commands the README shows: stop with a savepoint, then run the new rules from it.
 *
 * <p>Non-sequence rules run in one operator per {@code group_by}, whose uid depends only on the
 * {@code group_by}; inside it a rule's state is kept under its id and fingerprint (a hash of what
 * it matches). So, within a group: an unchanged rule resumes its partial count, a changed rule
 * (same id, new fingerprint) and a new rule start empty, a removed rule's state is dropped, and
 * none of this needs {@code --allowNonRestoredState}. Removing every rule of a {@code group_by}
 * removes its operator: then the JobManager refuses the savepoint unless {@code
 * --allowNonRestoredState} is given, and says so.
 */
class SavepointRulesITCase {
    private static final String TOPIC = "nginx-savepoint";
    private static final String DLQ = "nginx-savepoint-dlq";
    private static final String LIST = "e2e:alerts:savepoint";

    /** Kept unchanged: 20 × 4xx per client within 10 minutes, a partial count meanwhile. */
    private static final String KEPT = "client-errors-kept";

    /** Changed in the second run (GET only): its partial count must not be carried over. */
    private static final String CHANGED = "admin-probe-changed";

    /** Removed in the second run, with a partial count in the savepoint. */
    private static final String REMOVED = "login-probe-removed";

    /** Added in the second run. */
    private static final String ADDED = "server-errors-added";

    /** The only rule of {@code group_by: [http_host]}: removed, with its operator, in the third. */
    private static final String HOST = "host-client-errors";

    private static final String CHANGED_BEFORE =
            TestRules.file(CHANGED, TestRules.adminProbe(5, "10m"));
    private static final String CHANGED_AFTER =
            TestRules.file(
                    CHANGED,
                    TestRules.adminProbe(5, "10m")
                            .replace(
                                    "{ url: { prefix: /admin } }",
                                    "{ url: { prefix: /admin }, method: GET }"));

    private static final Map<String, String> RULES =
            Map.of(
                    KEPT,
                    TestRules.file(KEPT, TestRules.clientErrors(20, "10m")),
                    REMOVED,
                    TestRules.file(
                            REMOVED, TestRules.adminProbe(5, "10m").replace("/admin", "/login")),
                    ADDED,
                    TestRules.file(ADDED, TestRules.serverErrors(3, "10m")),
                    HOST,
                    TestRules.file(
                            HOST,
                            """
                            description: One site gets very many 4xx responses
                            severity: warning
                            group_by: [http_host]
                            match: { status: 4xx }
                            threshold: 1000
                            within: 10m
                            """));

    private static final String ATTACKER = "203.0.113.66";
    private static final String PROBER = "198.51.100.23";
    private static final String BROKEN_CLIENT = "192.0.2.99";
    private static final String SLOW_BROKEN_CLIENT = "192.0.2.100";

    @RegisterExtension
    static final KafkaExtension KAFKA = new KafkaExtension().withTopic(TOPIC, 1).withTopic(DLQ, 1);

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @RegisterExtension
    static final ServerExtension<LocalFlinkCluster> FLINK =
            LocalFlinkCluster.extension("SavepointRulesITCase");

    @Test
    void unchangedRuleResumesChangedAndNewRulesStartEmptyOnlyARemovedGroupByNeedsTheFlag(
            @TempDir Path tmp) throws Exception {
        assertThat(CHANGED_AFTER).as("the changed rule's match").isNotEqualTo(CHANGED_BEFORE);
        Path rulesBefore = tmp.resolve("rules-before");
        writeRules(rulesBefore, Map.of(CHANGED, CHANGED_BEFORE), KEPT, REMOVED, HOST);
        Path rulesAfter = tmp.resolve("rules-after");
        writeRules(rulesAfter, Map.of(CHANGED, CHANGED_AFTER), KEPT, ADDED, HOST);
        Path rulesWithoutHost = tmp.resolve("rules-without-host");
        writeRules(rulesWithoutHost, Map.of(CHANGED, CHANGED_AFTER), KEPT, ADDED);
        Instant start = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

        // 1. Every rule sees part of what it needs.
        String first =
                FLINK.get().runDetached(List.of(), LocalFlinkCluster.JOB_JAR, jobArgs(rulesBefore));
        FLINK.get().awaitAllTasksRunning(first, Duration.ofMinutes(1));
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            before.add(request(start.plusSeconds(i), ATTACKER).status(404).url("/p" + i).line());
        }
        for (int i = 0; i < 2; i++) {
            before.add(request(start.plusSeconds(10 + i), PROBER).url("/admin/" + i).line());
            before.add(request(start.plusSeconds(12 + i), PROBER).url("/login").line());
        }
        KAFKA.produceLines(TOPIC, before);
        // The events must be in the rules' state, not still in Kafka, when the savepoint is taken:
        // 10 × 404 + 2 admin pages + 2 logins into the clientip group, the 10 × 404 into the
        // http_host group.
        awaitRead(first, "Rules by clientip: ", 14);
        awaitRead(first, "Rules by http_host: ", 10);
        assertThat(RedisAlerts.read(REDIS.port(), LIST)).isEmpty();

        // 2. Stop with a savepoint; run the changed rules from it, without
        // --allowNonRestoredState: every operator's uid is still there.
        String firstSavepoint = stopWithSavepoint(first);
        String second =
                FLINK.get()
                        .runDetached(
                                List.of("-s", firstSavepoint),
                                LocalFlinkCluster.JOB_JAR,
                                jobArgs(rulesAfter));
        FLINK.get().awaitAllTasksRunning(second, Duration.ofMinutes(1));
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            // The kept rule's other half: 10 + 10 = 20.
            after.add(request(start.plusSeconds(120 + i), ATTACKER).status(404).line());
        }
        for (int i = 0; i < 5; i++) {
            // Three of these would complete the changed rule's old count (2 + 3 = 5) and the
            // removed rule's (2 + 3), had their state been kept; the changed rule needs all five.
            after.add(request(start.plusSeconds(130 + i), PROBER).url("/admin/x").line());
            if (i < 3) {
                after.add(request(start.plusSeconds(130 + i), PROBER).url("/login").line());
                after.add(request(start.plusSeconds(130 + i), BROKEN_CLIENT).status(503).line());
            }
        }
        for (int i = 0; i < 2; i++) {
            // A partial count of the new rule, for the third run.
            after.add(request(start.plusSeconds(135 + i), SLOW_BROKEN_CLIENT).status(503).line());
        }
        KAFKA.produceLines(TOPIC, after);

        Map<String, Alert> alerts =
                RedisAlerts.await(REDIS.port(), LIST, 3, Duration.ofMinutes(2)).stream()
                        .collect(Collectors.toMap(Alert::rule, Function.identity()));
        assertThat(alerts).containsOnlyKeys(KEPT, CHANGED, ADDED);

        Alert kept = alerts.get(KEPT);
        assertThat(kept.key()).containsEntry("clientip", ATTACKER);
        assertThat(kept.count()).isEqualTo(20);
        assertThat(Instant.ofEpochMilli(kept.firstSeen()))
                .as("first event of the count, read before the savepoint")
                .isEqualTo(start);
        assertThat(Instant.ofEpochMilli(kept.lastSeen())).isEqualTo(start.plusSeconds(129));

        Alert changed = alerts.get(CHANGED);
        assertThat(changed.key()).containsEntry("clientip", PROBER);
        assertThat(changed.count()).isEqualTo(5);
        assertThat(Instant.ofEpochMilli(changed.firstSeen()))
                .as("the changed rule counted only events after the restore")
                .isEqualTo(start.plusSeconds(130));
        assertThat(Instant.ofEpochMilli(changed.lastSeen())).isEqualTo(start.plusSeconds(134));

        Alert added = alerts.get(ADDED);
        assertThat(added.key()).containsEntry("clientip", BROKEN_CLIENT);
        assertThat(added.count()).isEqualTo(3);
        assertThat(Instant.ofEpochMilli(added.firstSeen())).isEqualTo(start.plusSeconds(130));

        // 10 + 5 + 3 + 2 into the clientip group (the logins match no rule now).
        awaitRead(second, "Rules by clientip: ", 20);

        // 3. Without any rule of group_by [http_host], its operator's state has nowhere to go: the
        // JobManager refuses the job, `flink run` fails and tells the user what to do.
        String secondSavepoint = stopWithSavepoint(second);
        List<String> refused = new ArrayList<>(List.of("run", "-d", "-s", secondSavepoint));
        refused.add(LocalFlinkCluster.JOB_JAR.toString());
        refused.addAll(jobArgs(rulesWithoutHost));
        LocalFlinkCluster.Result refusal = FLINK.get().flink(refused.toArray(String[]::new));
        assertThat(refusal.exitCode()).as(refusal.output()).isNotZero();
        assertThat(refusal.output())
                .contains("Cannot map checkpoint/savepoint state", "--allowNonRestoredState");

        // 4. With --allowNonRestoredState it runs, and the other group's state is restored.
        String third =
                FLINK.get()
                        .runDetached(
                                List.of("-s", secondSavepoint, "--allowNonRestoredState"),
                                LocalFlinkCluster.JOB_JAR,
                                jobArgs(rulesWithoutHost));
        JsonNode running = FLINK.get().awaitAllTasksRunning(third, Duration.ofMinutes(1));
        assertThat(LocalFlinkCluster.vertex(running, "Rules by http_host")).isEmpty();
        KAFKA.produceLines(
                TOPIC,
                List.of(request(start.plusSeconds(140), SLOW_BROKEN_CLIENT).status(503).line()));
        Alert resumed =
                RedisAlerts.await(REDIS.port(), LIST, 4, Duration.ofMinutes(2)).stream()
                        .filter(a -> a.key().containsValue(SLOW_BROKEN_CLIENT))
                        .findFirst()
                        .orElseThrow();
        assertThat(resumed.rule()).isEqualTo(ADDED);
        assertThat(resumed.count()).isEqualTo(3);
        assertThat(Instant.ofEpochMilli(resumed.firstSeen()))
                .as("two of the three events were read before the second savepoint")
                .isEqualTo(start.plusSeconds(135));
        assertThat(RedisAlerts.read(REDIS.port(), LIST)).hasSize(4);

        assertThat(FLINK.get().flink("cancel", third).exitCode()).isZero();
        FLINK.get().awaitJobState(third, "CANCELED", Duration.ofMinutes(1));
    }

    private static List<String> jobArgs(Path rules) {
        return JobArgs.of(KAFKA.bootstrapServers(), TOPIC, DLQ, REDIS.url(), LIST)
                .with("rules", rules.toString())
                .args();
    }

    private static String stopWithSavepoint(String job) {
        String savepoint =
                FLINK.get().stopWithSavepoint(job, FLINK.get().dir().resolve("savepoints"));
        assertThat(
                        FLINK.get()
                                .awaitJobState(job, "FINISHED", Duration.ofMinutes(1))
                                .path("state")
                                .asText())
                .isEqualTo("FINISHED");
        return savepoint;
    }

    /**
     * Waits until the group operator whose name starts with {@code prefix} has received {@code
     * routed} events (REST metrics, ~10 s behind) and asserts it received no more. Its input also
     * carries the router's running minimum event time, broadcast to each of its subtasks: once per
     * job run here, as the events of the one partition come in time order.
     */
    private static void awaitRead(String job, String prefix, long routed) {
        JsonNode seen =
                Poll.until(
                        Duration.ofMinutes(1),
                        () -> group(FLINK.get().job(job), prefix),
                        group -> readRecords(group) >= routed + group.path("parallelism").asLong());
        assertThat(readRecords(seen))
                .as("records into %s", seen.path("name").asText())
                .isEqualTo(routed + seen.path("parallelism").asLong());
    }

    private static JsonNode group(JsonNode job, String prefix) {
        return LocalFlinkCluster.vertex(job, prefix)
                .orElseThrow(() -> new AssertionError("no vertex " + prefix + " in " + job));
    }

    private static long readRecords(JsonNode vertex) {
        return vertex.path("metrics").path("read-records").asLong();
    }

    private static void writeRules(Path dir, Map<String, String> files, String... ids)
            throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(dir.resolve(file.getKey() + ".yaml"), file.getValue());
        }
        for (String id : ids) {
            Files.writeString(dir.resolve(id + ".yaml"), RULES.get(id));
        }
    }
}
