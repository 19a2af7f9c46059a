package io.nginxalerts.job.faults;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.testing.JobArgs;
import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.RedisExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop with a savepoint, then run with one rule removed and one added, from the savepoint: a kept
 * rule keeps its partial matches <em>and</em> its open episodes (an attacker alerted before the
 * savepoint whose burst goes on after the restore only extends its episode), the new rule starts
 * empty, the removed rule's state is dropped. The worker runs throughout.
 *
 * <p>The reference for the kept rule is a fault-free run of all events with that rule: the same
 * firing and resolved records, no more (a lost episode would add a firing record) and no fewer (a
 * lost partial match would drop one). The e2e {@code SavepointRulesITCase} covers partial matches
 * on a standalone cluster with the Flink CLI; this covers episode state with the savepoint API.
 */
class SavepointRestoreITCase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    private static final String TOPIC = "faults-savepoint";
    private static final String LIST = "faults:savepoint";

    /** Kept: 5 × 4xx within a minute, one alert per client per 10 minutes. */
    private static final Rule KEPT =
            TestRules.rule(
                    "client-errors-kept",
                    TestRules.suppressedFor(TestRules.clientErrors(5, "60s"), "10m"));

    /** Removed after the savepoint, holding a partial match. */
    private static final Rule REMOVED =
            TestRules.rule("admin-probe-removed", TestRules.adminProbe(3, "10m"));

    /** Added after the savepoint. */
    private static final Rule ADDED =
            TestRules.rule("server-errors-added", TestRules.serverErrors(3, "10m"));

    private static final String SUPPRESSED = "203.0.113.66";
    private static final String PARTIAL = "198.51.100.23";
    private static final String PROBER = "100.64.0.9";
    private static final String BROKEN = "192.0.2.99";

    @RegisterExtension static final KafkaExtension KAFKA = FaultJob.kafkaWithTopic(TOPIC);

    @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

    @Test
    void keptRuleKeepsPartialMatchesAndEpisodesAcrossASavepointWithChangedRules(
            @InjectMiniCluster MiniCluster miniCluster, @TempDir Path tmp) throws Exception {
        Instant start = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // Alerted before the savepoint: its episode is open until start + 4 s + 10 min.
            before.add(request(start.plusSeconds(i), SUPPRESSED).status(404).line());
        }
        for (int i = 0; i < 3; i++) {
            before.add(request(start.plusSeconds(5 + i), PARTIAL).status(404).line());
        }
        for (int i = 0; i < 2; i++) {
            before.add(request(start.plusSeconds(8 + i), PROBER).url("/admin/" + i).line());
            // Before the added rule exists: it must not count these.
            before.add(request(start.plusSeconds(8 + i), BROKEN).status(502).line());
        }
        // Moves the watermark past the first burst, so its alert is out before the savepoint.
        before.add(request(start.plusSeconds(10), "192.0.2.1").line());

        List<String> after = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            // Completes the kept rule's partial match: 3 before + 2 after, within the minute.
            after.add(request(start.plusSeconds(20 + i), PARTIAL).status(404).line());
        }
        // Would complete the removed rule's match (2 + 1) had its state been kept.
        after.add(request(start.plusSeconds(25), PROBER).url("/admin/2").line());
        for (int i = 0; i < 3; i++) {
            after.add(request(start.plusSeconds(30 + i), BROKEN).status(503).line());
        }
        for (int i = 0; i < 7; i++) {
            // The burst goes on inside the episode: another match, which only extends it.
            after.add(request(start.plusSeconds(60 + i), SUPPRESSED).status(404).line());
        }
        // Event time passes every window (no idle flush in these tests).
        after.add(request(start.plusSeconds(3600), "192.0.2.1").line());

        List<String> all = new ArrayList<>(before);
        all.addAll(after);
        Set<String> expected = new TreeSet<>(FaultJob.referenceIds(List.of(KEPT), all));
        // Kept rule: one episode per client (the burst after the restore only extends the one
        // that fired before it), each firing and then resolved once the last event passes its end.
        assertThat(expected).as("kept rule: two episodes, firing and resolved").hasSize(4);
        Set<String> added = FaultJob.referenceIds(List.of(ADDED), after);
        assertThat(added).as("added rule: one episode, firing and resolved").hasSize(2);
        expected.addAll(added);

        try (DeliveringWorker worker = DeliveringWorker.start(REDIS.server(), LIST, tmp)) {
            JobArgs args = FaultJob.args(KAFKA, TOPIC, REDIS.url(), LIST);
            FaultJob first = FaultJob.start(miniCluster, args, List.of(KEPT, REMOVED), 0);
            KAFKA.produceLines(TOPIC, before);
            Map<String, Integer> beforeSavepoint = worker.awaitFirstDeliveries(1);
            assertThat(beforeSavepoint).hasSize(1);

            String savepoint = first.stopWithSavepoint(tmp.resolve("savepoints"));

            try (FaultJob second =
                    FaultJob.startFromSavepoint(
                            miniCluster, args, List.of(KEPT, ADDED), savepoint)) {
                KAFKA.produceLines(TOPIC, after);
                Map<String, Integer> delivered =
                        worker.awaitExactlyOnce(expected, Duration.ofSeconds(60));
                assertThat(delivered).containsAllEntriesOf(beforeSavepoint);
            }
        }
    }
}
