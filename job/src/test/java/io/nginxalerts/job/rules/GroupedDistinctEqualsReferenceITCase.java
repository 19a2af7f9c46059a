package io.nginxalerts.job.rules;

import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.testing.DifferentialRun;
import io.nginxalerts.job.testing.JitteredTraffic;
import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.reference.ReferenceEvaluator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real pipeline with distinct rules in the grouped operator ({@link RuleGroupOperator}) against
 * {@link ReferenceEvaluator}, the rule's definition evaluated literally, its matches turned into
 * episodes by {@link ReferenceEvaluator#records}, on the same input: every firing and resolved
 * record (id, key, count, distinct count, first and last seen, evidence, status, ends_at; all but
 * the wall-clock detection time) must be identical, at parallelism 1 and 2. Events that the
 * pipeline found late are left out of the reference's input, as the definition is about events on
 * time.
 */
class GroupedDistinctEqualsReferenceITCase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    /** Small thresholds and windows, so that the generated traffic matches often. */
    static List<Rule> stressRules() {
        return List.of(
                TestRules.rule(
                        "paths-3-in-2s",
                        """
                        severity: info
                        group_by: [clientip]
                        match: { method: [GET, POST, HEAD] }
                        distinct: path
                        threshold: 3
                        within: 2s
                        suppress: 0s
                        """),
                TestRules.rule(
                        "statuses-2-in-1s",
                        """
                        severity: info
                        group_by: [clientip]
                        match: { status: [2xx, 3xx, 4xx, 5xx] }
                        distinct: status
                        threshold: 2
                        within: 1s
                        suppress: 0s
                        """),
                TestRules.rule(
                        "host-error-clients-5-in-3s",
                        """
                        severity: info
                        group_by: [http_host]
                        match: { status: [4xx, 5xx] }
                        distinct: clientip
                        threshold: 5
                        within: 3s
                        suppress: 0s
                        """),
                // Direct visits have no referer: events without the field count for nothing.
                TestRules.rule(
                        "referers-2-in-10s",
                        """
                        severity: info
                        group_by: [clientip]
                        match: { method: GET }
                        distinct: refer
                        threshold: 2
                        within: 10s
                        suppress: 0s
                        """),
                TestRules.rule(
                        "paths-8-in-30s-suppressed",
                        """
                        severity: info
                        group_by: [clientip, http_host]
                        match: { method: [GET, POST, HEAD] }
                        distinct: path
                        threshold: 8
                        within: 30s
                        suppress: 1m
                        """));
    }

    @Test
    void givesTheAlertsOfTheDefinitionOnGeneratedTraffic() throws Exception {
        List<String> lines = JitteredTraffic.lines(23, 40_000);
        List<Rule> rules = stressRules();

        for (int parallelism : DifferentialRun.PARALLELISMS) {
            DifferentialRun run = DifferentialRun.of(rules, lines, parallelism);
            List<Alert> expected = reference(rules, run.onTime());

            run.assertNoRuleSawALateEvent().assertAlertsEqual(expected);

            // The comparison means something only if every rule matched often.
            Map<String, Long> perRule = DifferentialRun.perRule(expected);
            for (Rule rule : rules) {
                assertThat(perRule.getOrDefault(rule.id(), 0L))
                        .as("alerts of %s", rule.id())
                        .isGreaterThan(20);
            }
            assertThat(expected).allMatch(a -> a.distinctCount() != null);
        }
        // And the traffic had what the edges need: repeats, and events without a referer.
        Rule referers = rules.get(3);
        assertThat(DifferentialRun.onTime(lines, List.of()))
                .filteredOn(referers::isRelevant)
                .anyMatch(e -> referers.distinctValue(e) == null);
    }

    @Test
    void agreesWithTheDefinitionOnWindowEdgesAndEqualTimestamps() throws Exception {
        Rule rule =
                TestRules.rule(
                        "three-paths-in-two-seconds",
                        """
                        severity: info
                        group_by: [clientip]
                        match: { status: 4xx }
                        distinct: path
                        threshold: 3
                        within: 2s
                        suppress: 0s
                        """);
        List<String> lines = new ArrayList<>();
        // First and third path exactly `within` apart: the first has left the window.
        for (int s : new int[] {0, 1, 2}) {
            lines.add(request(s, "10.0.1.1").status(404).url("/p" + s).line());
        }
        // Three paths at the same second, arriving after a repeat: one match.
        for (String path : new String[] {"/a", "/a", "/b", "/c"}) {
            lines.add(request(10, "10.0.1.2").status(404).url(path).line());
        }
        // Two paths (threshold - 1), each many times: never.
        for (int i = 0; i < 40; i++) {
            lines.add(request(20 + i / 10, "10.0.1.3").status(404).url("/p" + (i % 2)).line());
        }
        // One missing /favicon.ico, many times at once: one value, never.
        for (int i = 0; i < 40; i++) {
            lines.add(request(30, "10.0.1.4").status(404).url("/favicon.ico").line());
        }
        // Out of order: /x at 41 s arrives before /x at 40 s. At 42 s the first /x has left the
        // window, its repeat keeps /x in it: /x, /y, /z match.
        lines.add(request(41, "10.0.1.5").status(403).url("/x").line());
        lines.add(request(40, "10.0.1.5").status(403).url("/x").line());
        lines.add(request(41, "10.0.1.5").status(403).url("/y").line());
        lines.add(request(42, "10.0.1.5").status(403).url("/z").line());

        for (int parallelism : DifferentialRun.PARALLELISMS) {
            DifferentialRun run = DifferentialRun.of(List.of(rule), lines, parallelism);
            assertThat(run.result().late()).isEmpty();
            run.assertAlertsEqual(reference(List.of(rule), run.onTime()));

            // Firing records (each episode here also has its resolved record, compared above).
            Map<String, List<Alert>> byClient =
                    run.alerts().stream()
                            .filter(a -> !a.resolved())
                            .collect(
                                    Collectors.groupingBy(
                                            a -> a.key().get("clientip"),
                                            TreeMap::new,
                                            Collectors.toList()));
            assertThat(byClient).containsOnlyKeys("10.0.1.2", "10.0.1.5");
            assertThat(byClient.get("10.0.1.2"))
                    .singleElement()
                    .satisfies(
                            a ->
                                    assertThat(a.evidence())
                                            .extracting(AccessEvent::path)
                                            .containsExactly("/a", "/b", "/c"));
            assertThat(byClient.get("10.0.1.5"))
                    .singleElement()
                    .satisfies(
                            a ->
                                    assertThat(a.evidence())
                                            .extracting(AccessEvent::path)
                                            .containsExactly("/x", "/y", "/z"));
        }
    }

    /** The rules' definitions, suppressed, on the events the pipeline took on time. */
    static List<Alert> reference(List<Rule> rules, List<AccessEvent> onTime) {
        List<Alert> expected = new ArrayList<>();
        for (Rule rule : rules) {
            expected.addAll(ReferenceEvaluator.records(rule, onTime));
        }
        return expected;
    }
}
