package io.nginxalerts.job.rules;

import static io.nginxalerts.job.testing.NginxLines.BEGINNING;
import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleLoader;
import io.nginxalerts.job.testing.DifferentialRun;
import io.nginxalerts.job.testing.JitteredTraffic;
import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.job.testing.PipelineRun;
import io.nginxalerts.job.testing.TestRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Threshold rules in the grouped operator ({@link RuleGroupOperator}, the default) against the same
 * rules on their CEP patterns ({@link ThresholdOperator#CEP}, episodes by {@link AlertLifecycle}),
 * on the same input: every firing, update and resolved record (id, key, count, first and last seen,
 * evidence, status, ends_at; all but the wall-clock detection time), every late event and every
 * dead letter must be identical.
 */
class GroupedThresholdsEqualCepITCase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    /**
     * Tight thresholds and the shortest {@code resolve_after} (1ms), so that nearly every window
     * boundary and every match of the generated traffic becomes an episode (a firing and, mostly, a
     * resolved record) to compare; one rule has longer episodes and update records of them.
     */
    static List<Rule> stressRules() {
        return List.of(
                TestRules.rule(
                        "any-4xx-2-in-1s",
                        """
                        description: two client errors within a second
                        severity: info
                        group_by: [clientip]
                        match: { status: 4xx }
                        threshold: 2
                        within: 1s
                        resolve_after: 1ms
                        """),
                TestRules.rule(
                        "requests-3-in-2s",
                        """
                        description: three requests within two seconds
                        severity: info
                        group_by: [clientip]
                        match: { method: [GET, POST, HEAD] }
                        threshold: 3
                        within: 2s
                        resolve_after: 2s
                        update_every: 500ms
                        """),
                TestRules.rule(
                        "host-errors-7-in-3s",
                        """
                        description: seven errors for one host within three seconds
                        severity: info
                        group_by: [http_host]
                        match: { status: [4xx, 5xx] }
                        threshold: 7
                        within: 3s
                        resolve_after: 1ms
                        """),
                TestRules.rule(
                        "upstream-5xx-50-in-10s",
                        """
                        description: fifty upstream errors within ten seconds
                        severity: info
                        group_by: [upstreamhost]
                        match: { status: 5xx }
                        threshold: 50
                        within: 10s
                        resolve_after: 1ms
                        """));
    }

    @Test
    void givesTheSameAlertsAsCepOnGeneratedTraffic() throws Exception {
        List<String> lines = JitteredTraffic.lines(11, 60_000);
        List<Rule> rules = new ArrayList<>(stressRules());
        rules.addAll(RuleLoader.loadClasspath("rules", getClass().getClassLoader()));

        for (int parallelism : DifferentialRun.PARALLELISMS) {
            PipelineRun.Result cep =
                    PipelineRun.run(rules, lines, parallelism, ThresholdOperator.CEP);
            PipelineRun.Result counted =
                    PipelineRun.run(rules, lines, parallelism, ThresholdOperator.GROUPED);

            DifferentialRun.assertSameAlerts(counted.alerts(), cep.alerts(), rules, parallelism);
            assertThat(sorted(counted.late())).isEqualTo(sorted(cep.late()));
            assertThat(counted.deadLetters())
                    .containsExactlyInAnyOrderElementsOf(cep.deadLetters());

            // The comparison means something only if every stress rule had many episodes.
            Map<String, Long> perRule =
                    DifferentialRun.perRule(cep.alerts().stream().filter(Alert::resolved).toList());
            for (Rule rule : stressRules()) {
                assertThat(perRule.getOrDefault(rule.id(), 0L))
                        .as("resolved episodes of %s", rule.id())
                        .isGreaterThan(20);
            }
            assertThat(cep.alerts()).hasSizeGreaterThan(5_000);
            // An update repeats its firing record's fingerprint (rule and key) and first_seen;
            // records beyond the first of each such pair are updates.
            List<Alert> firing =
                    DifferentialRun.ofRule(cep.alerts(), "requests-3-in-2s").stream()
                            .filter(a -> !a.resolved())
                            .toList();
            assertThat(
                            firing.size()
                                    - firing.stream()
                                            .map(a -> a.fingerprint() + a.firstSeen())
                                            .distinct()
                                            .count())
                    .as("update records")
                    .isGreaterThan(20);
        }
    }

    @Test
    void agreesWithCepOnWindowEdgesAndEqualTimestamps() throws Exception {
        Rule rule =
                TestRules.rule(
                        "three-in-two-seconds",
                        """
                        description: three client errors within two seconds
                        severity: info
                        group_by: [clientip]
                        match: { status: 4xx }
                        threshold: 3
                        within: 2s
                        resolve_after: 1ms
                        """);
        List<String> lines = new ArrayList<>();
        // First and third event exactly `within` apart: CEP's window has timed out the first.
        for (int s : new int[] {0, 1, 2}) {
            lines.add(request(s, "10.0.1.1").status(404).line());
        }
        // Three at the same second: one match.
        for (int i = 0; i < 3; i++) {
            lines.add(request(10, "10.0.1.2").status(404).url("/same/" + i).line());
        }
        // Seven in one second, arriving out of order: two matches, the seventh left over.
        for (int s : new int[] {21, 20, 21, 20, 21, 21, 20}) {
            lines.add(request(s, "10.0.1.3").status(403).line());
        }
        // An expired pair, then a full window: one match starting at the second burst.
        for (int s : new int[] {30, 31, 35, 36, 36}) {
            lines.add(request(s, "10.0.1.4").status(401).line());
        }

        PipelineRun.Result cep = PipelineRun.run(List.of(rule), lines, 1, ThresholdOperator.CEP);
        PipelineRun.Result counted =
                PipelineRun.run(List.of(rule), lines, 1, ThresholdOperator.GROUPED);

        DifferentialRun.assertSameAlerts(counted.alerts(), cep.alerts(), List.of(rule), 1);
        // Each match is an episode of its own (resolve_after 1ms): its firing record.
        Map<String, List<Alert>> byClient =
                counted.alerts().stream()
                        .filter(a -> !a.resolved())
                        .collect(
                                Collectors.groupingBy(
                                        a -> a.key().get("clientip"),
                                        TreeMap::new,
                                        Collectors.toList()));
        assertThat(byClient).doesNotContainKey("10.0.1.1");
        assertThat(byClient.get("10.0.1.2")).hasSize(1);
        assertThat(byClient.get("10.0.1.2").get(0).evidence())
                .extracting(AccessEvent::url)
                .containsExactly("/same/0", "/same/1", "/same/2");
        assertThat(byClient.get("10.0.1.3")).hasSize(2);
        assertThat(byClient.get("10.0.1.4"))
                .singleElement()
                .satisfies(
                        a ->
                                assertThat(a.firstSeen())
                                        .isEqualTo(BEGINNING.plusSeconds(35).toEpochMilli()));
    }

    static List<AccessEvent> sorted(List<AccessEvent> events) {
        return events.stream()
                .sorted(Comparator.comparing(AccessEvent::toString))
                .collect(Collectors.toList());
    }
}
