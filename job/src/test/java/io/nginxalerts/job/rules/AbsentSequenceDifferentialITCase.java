package io.nginxalerts.job.rules;

import static io.nginxalerts.job.rules.AbsentSequenceRules.lastStepAbsent;
import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.testing.DifferentialRun;
import io.nginxalerts.job.testing.JitteredTraffic;
import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.job.testing.PipelineRun;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.reference.AbsentSequenceReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real pipeline (CEP with {@code notFollowedBy} as the last part, episodes by {@link
 * AlertLifecycle}, {@link EndOfInputGate}) on sequences whose last step is absent, against {@link
 * AbsentSequenceReference}, the definition evaluated literally and turned into episodes, on the
 * same bounded input: every firing and resolved record (all but the wall-clock detection time) must
 * be identical, at parallelism 1 and 2. Events the pipeline found late are left out of the
 * reference's input.
 */
class AbsentSequenceDifferentialITCase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    /** Short windows and common conditions, so that generated traffic completes and prevents. */
    static List<Rule> stressRules() {
        return List.of(
                absent(
                        "error-then-no-success-5s",
                        """
                        group_by: [clientip]
                        sequence:
                          - match: { status: 4xx }
                          - match: { status: 2xx }
                        within: 5s
                        """),
                absent(
                        "three-gets-then-no-other-method-2s",
                        """
                        group_by: [clientip]
                        sequence:
                          - match: { method: GET }
                            at_least: 3
                          - match: { method: [POST, HEAD, PUT, DELETE] }
                        within: 2s
                        """),
                // The absent step's events also match the second step: only those after it count.
                absent(
                        "host-5xx-then-4xx-then-no-5xx-3s",
                        """
                        group_by: [http_host]
                        sequence:
                          - match: { status: 5xx }
                          - match: { status: 4xx }
                          - match: { status: 5xx }
                        within: 5s
                        """),
                // Every event of the first step is also one of the absent step.
                absent(
                        "404-then-no-4xx-2s",
                        """
                        group_by: [clientip]
                        sequence:
                          - match: { status: 404 }
                          - match: { status: 4xx }
                        within: 2s
                        """),
                absent(
                        "login-failures-then-no-success-20s",
                        """
                        group_by: [clientip]
                        sequence:
                          - match: { method: POST, url: { prefix: /login }, status: [401, 403] }
                            at_least: 2
                          - match: { method: POST, url: { prefix: /login }, status: [200, 302] }
                        within: 20s
                        """));
    }

    static Rule absent(String id, String body) {
        return lastStepAbsent(
                TestRules.rule(id, "severity: info\nsuppress: 0s\n" + body.stripIndent()));
    }

    @Test
    void givesTheAlertsOfTheDefinitionOnGeneratedTraffic() throws Exception {
        List<String> lines = JitteredTraffic.lines(31, 40_000);
        List<Rule> rules = stressRules();

        for (int parallelism : DifferentialRun.PARALLELISMS) {
            DifferentialRun run = DifferentialRun.of(rules, lines, parallelism);
            List<Alert> expected = new ArrayList<>();
            Map<String, AbsentSequenceReference.Evaluation> byRule = new TreeMap<>();
            for (Rule rule : rules) {
                AbsentSequenceReference.Evaluation evaluation =
                        AbsentSequenceReference.evaluate(rule, run.onTime());
                byRule.put(rule.id(), evaluation);
                expected.addAll(evaluation.alerts());
            }

            run.assertNoRuleSawALateEvent().assertAlertsEqual(expected);

            // The comparison means something only if every rule both fired and was prevented
            // (the host rule has only two keys, so it fires less).
            byRule.forEach(
                    (id, evaluation) -> {
                        assertThat(evaluation.alerts())
                                .as("alerts of %s", id)
                                .hasSizeGreaterThan(3);
                        assertThat(evaluation.prevented())
                                .as("matches of %s an absent event prevented", id)
                                .isGreaterThan(3);
                    });
            assertThat(expected).hasSizeGreaterThan(200);
            assertThat(byRule.values().stream().mapToInt(e -> e.undecidedAtEnd()).sum())
                    .as("the input's end leaves some outcomes open")
                    .isPositive();
        }
    }

    @Test
    void agreesWithTheDefinitionOnWindowEdgesAndEqualTimestamps() throws Exception {
        Rule rule =
                absent(
                        "two-failures-then-no-success-10s",
                        """
                        group_by: [clientip]
                        sequence:
                          - match: { method: POST, url: { prefix: /login }, status: 401 }
                            at_least: 2
                          - match: { method: POST, url: { prefix: /login }, status: 302 }
                        within: 10s
                        """);
        // Each client has its own minute, in order, so only the intended events are out of order.
        List<String> lines = new ArrayList<>();
        // A success exactly `within` after the first failure is too late to prevent it: fires.
        lines.add(failure(0, "10.0.2.1"));
        lines.add(failure(1, "10.0.2.1"));
        lines.add(success(10, "10.0.2.1"));
        // A success one second before: prevented.
        lines.add(failure(60, "10.0.2.2"));
        lines.add(failure(61, "10.0.2.2"));
        lines.add(success(69, "10.0.2.2"));
        // A success between the failures breaks their run; the next two start a new one.
        lines.add(failure(120, "10.0.2.3"));
        lines.add(success(121, "10.0.2.3"));
        lines.add(failure(122, "10.0.2.3"));
        lines.add(failure(123, "10.0.2.3"));
        // Equal timestamps, a success arriving between failures at the same second.
        lines.add(failure(180, "10.0.2.4"));
        lines.add(success(180, "10.0.2.4"));
        lines.add(failure(180, "10.0.2.4"));
        lines.add(failure(180, "10.0.2.4"));
        // Out of order: five failures; the first two match, the third and fourth start another
        // match, the fifth is left over.
        for (int s : new int[] {241, 240, 243, 242, 244}) {
            lines.add(failure(s, "10.0.2.5"));
        }
        // The second failure is `within` after the first: timed out; the next pair matches.
        lines.add(failure(300, "10.0.2.6"));
        lines.add(failure(310, "10.0.2.6"));
        lines.add(failure(311, "10.0.2.6"));
        // Event time passes every deadline above.
        lines.add(request(400, "10.0.9.9").line());

        for (int parallelism : DifferentialRun.PARALLELISMS) {
            DifferentialRun run = DifferentialRun.of(List.of(rule), lines, parallelism);
            assertThat(run.result().late()).isEmpty();
            run.assertAlertsEqual(AbsentSequenceReference.alerts(rule, run.onTime()));
            // One episode per client: 10.0.2.5's second match, two seconds after its first, only
            // extends the first's episode (resolve_after defaults to within, 10 s). Event time
            // passes every episode's end, so each is resolved.
            assertThat(run.alerts())
                    .filteredOn(a -> !a.resolved())
                    .extracting(a -> a.key().get("clientip"), Alert::count)
                    .containsExactlyInAnyOrder(
                            tuple("10.0.2.1", 2),
                            tuple("10.0.2.3", 2),
                            tuple("10.0.2.4", 2),
                            tuple("10.0.2.5", 2),
                            tuple("10.0.2.6", 2));
            assertThat(run.alerts())
                    .filteredOn(Alert::resolved)
                    .extracting(a -> a.key().get("clientip"))
                    .containsExactlyInAnyOrder(
                            "10.0.2.1", "10.0.2.3", "10.0.2.4", "10.0.2.5", "10.0.2.6");
        }
    }

    @Test
    void aBoundedInputThatEndsBeforeTheDeadlineGivesNoAbsentAlert() throws Exception {
        Rule rule = AbsentSequenceRules.bruteForceWithoutSuccess("no-success", 3, "60s");
        List<String> lines = new ArrayList<>();
        for (int s : new int[] {0, 1, 2}) {
            lines.add(failure(s, "10.0.3.1"));
        }
        // The input's last event is one millisecond short of the deadline (60 s after the first).
        lines.add(request(java.time.Instant.parse("2026-11-26T10:00:59.999Z"), "10.0.9.9").line());

        PipelineRun.Result run = PipelineRun.run(List.of(rule), lines, 1);

        assertThat(run.alerts()).isEmpty();
        assertThat(
                        AbsentSequenceReference.evaluate(
                                        rule, DifferentialRun.onTime(lines, List.of()))
                                .undecidedAtEnd())
                .isEqualTo(1);
    }

    @Test
    void aBoundedInputWhoseEventsPassTheDeadlineGivesTheAbsentAlert() throws Exception {
        Rule rule = AbsentSequenceRules.bruteForceWithoutSuccess("no-success", 3, "60s");
        List<String> lines = new ArrayList<>();
        for (int s : new int[] {0, 1, 2}) {
            lines.add(failure(s, "10.0.3.1"));
        }
        // Another client's request exactly at the deadline: the events' own time got there,
        // although the watermark (5 s behind) never did before the end of input.
        lines.add(request(60, "10.0.9.9").line());

        PipelineRun.Result run = PipelineRun.run(List.of(rule), lines, 2);

        assertThat(run.alerts())
                .singleElement()
                .satisfies(
                        a -> {
                            assertThat(a.key()).containsEntry("clientip", "10.0.3.1");
                            assertThat(a.count()).isEqualTo(3);
                        });
    }

    private static String failure(long second, String client) {
        return request(second, client).method("POST").url("/login").status(401).line();
    }

    private static String success(long second, String client) {
        return request(second, client).method("POST").url("/login").status(302).line();
    }
}
