package io.nginxalerts.job.rules;

import static io.nginxalerts.job.testing.DifferentialRun.ofRule;
import static io.nginxalerts.job.testing.NginxLines.BEGINNING;
import static io.nginxalerts.job.testing.NginxLines.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.testing.DifferentialRun;
import io.nginxalerts.job.testing.JitteredTraffic;
import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.job.testing.TestRules;
import io.nginxalerts.testing.reference.ReferenceEvaluator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real pipeline with ratio, value, silence and first-seen rules in the grouped operator ({@link
 * RuleGroupOperator}, with the episodes inside it and silence and resolved records through {@link
 * EndOfInputGate}) against {@link ReferenceEvaluator}, each rule's definition evaluated literally
 * and its matches turned into episodes by the literal episode definition ({@link
 * ReferenceEvaluator#records}), on the same input: every firing, update and resolved record (id,
 * key, count, first and last seen, evidence, ratio, aggregate, silent_since, value, status,
 * fingerprint, ends_at; all but the wall-clock detection time) must be identical, at parallelism 1
 * and 2. Most stress rules have a short {@code resolve_after} so that they have many episodes; two
 * have {@code update_every}.
 *
 * <p>The reference reads the events the pipeline took on time (the late ones left out, as the
 * definitions are about events on time), in file order: the file is one split, read by one source
 * subtask and routed in that order, and one key's events reach its operator subtask over one
 * channel, so events of one key with equal timestamps arrive in file order at any parallelism (as
 * in {@link GroupedDistinctEqualsReferenceITCase}). First-seen rules learn from the earliest of
 * those events; silence alerts need some event at or after their deadline.
 */
class GroupedRatioValueSilenceFirstSeenEqualReferenceITCase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    /**
     * Small windows and bounds, so that the generated traffic fires every rule often; several kinds
     * share each {@code group_by} (and so one operator).
     */
    static List<Rule> stressRules() {
        return List.of(
                // group_by [clientip]: one operator for four kinds.
                TestRules.rule(
                        "client-4xx-half-of-4-in-10s",
                        """
                        severity: info
                        group_by: [clientip]
                        ratio:
                          of: { status: 4xx }
                          at_least: 50%
                          min_events: 4
                        within: 10s
                        suppress: 0s
                        resolve_after: 1ms
                        """),
                TestRules.rule(
                        "client-max-size-over-20k-in-5s",
                        """
                        severity: info
                        group_by: [clientip]
                        value:
                          field: size
                          max: { gt: 20000 }
                          min_events: 2
                        within: 5s
                        suppress: 0s
                        """),
                TestRules.rule(
                        "client-quiet-for-3s-after-3",
                        """
                        severity: info
                        group_by: [clientip]
                        silent_for: 3s
                        min_events: 3
                        within: 10s
                        suppress: 0s
                        """),
                TestRules.rule(
                        "client-new-path-3-kept",
                        """
                        severity: info
                        group_by: [clientip]
                        match: { method: [GET, POST, HEAD] }
                        first_seen: path
                        within: 30s
                        learn_for: 20s
                        max_values: 3
                        suppress: 0s
                        resolve_after: 1ms
                        """),
                // group_by [http_host]: few keys, many events each.
                TestRules.rule(
                        "host-errors-eighth-of-8-in-2s",
                        """
                        severity: info
                        group_by: [http_host]
                        ratio:
                          of: { status: [4xx, 5xx] }
                          at_least: 0.125
                          min_events: 8
                        within: 2s
                        suppress: 0s
                        resolve_after: 1ms
                        """),
                TestRules.rule(
                        "host-p95-response-over-100ms",
                        """
                        severity: info
                        group_by: [http_host]
                        value:
                          field: responsetime
                          p95: { gt: 100ms }
                          min_events: 20
                        within: 3s
                        suppress: 0s
                        update_every: 1s
                        """),
                TestRules.rule(
                        "host-new-client-20-kept",
                        """
                        severity: info
                        group_by: [http_host]
                        first_seen: clientip
                        within: 1m
                        learn_for: 10s
                        max_values: 20
                        suppress: 0s
                        resolve_after: 500ms
                        """),
                TestRules.rule(
                        "host-errors-quiet-for-1s",
                        """
                        severity: info
                        group_by: [http_host]
                        match: { status: [4xx, 5xx] }
                        silent_for: 1s
                        min_events: 2
                        within: 5s
                        suppress: 0s
                        """),
                // group_by [upstreamhost]: value aggregates and a silence.
                TestRules.rule(
                        "upstream-avg-over-50ms",
                        """
                        severity: info
                        group_by: [upstreamhost]
                        value:
                          field: upstreamtime
                          avg: { gte: 0.05 }
                          min_events: 5
                        within: 2s
                        suppress: 0s
                        update_every: 500ms
                        """),
                TestRules.rule(
                        "upstream-min-under-10ms",
                        """
                        severity: info
                        group_by: [upstreamhost]
                        value:
                          field: upstreamtime
                          min: { lt: 10ms }
                          min_events: 3
                        within: 1s
                        suppress: 0s
                        resolve_after: 1ms
                        """),
                TestRules.rule(
                        "upstream-p50-at-most-40ms",
                        """
                        severity: info
                        group_by: [upstreamhost]
                        value:
                          field: upstreamtime
                          p50: { lte: 0.04 }
                          min_events: 10
                        within: 2s
                        suppress: 0s
                        resolve_after: 100ms
                        """),
                TestRules.rule(
                        "upstream-p99-over-200ms-one-episode",
                        """
                        severity: info
                        group_by: [upstreamhost]
                        value:
                          field: upstreamtime
                          p99: { gt: 200ms }
                          min_events: 10
                        within: 5s
                        suppress: 30s
                        """),
                TestRules.rule(
                        "upstream-quiet-for-300ms",
                        """
                        severity: info
                        group_by: [upstreamhost]
                        silent_for: 300ms
                        within: 1s
                        suppress: 0s
                        """),
                // group_by [clientip, http_host]: first seen and ratio whose resolve_after is their
                // suppress.
                TestRules.rule(
                        "client-host-new-url-2-kept-suppressed",
                        """
                        severity: info
                        group_by: [clientip, http_host]
                        first_seen: url
                        within: 1m
                        max_values: 2
                        suppress: 5s
                        """),
                TestRules.rule(
                        "client-host-get-share-suppressed",
                        """
                        severity: info
                        group_by: [clientip, http_host]
                        ratio:
                          of: { method: GET }
                          at_least: 100%
                          min_events: 3
                        within: 5s
                        suppress: 20s
                        """));
    }

    @Test
    void givesTheAlertsOfTheDefinitionsOnGeneratedTraffic() throws Exception {
        List<String> lines = JitteredTraffic.lines(31, 40_000);
        List<Rule> rules = stressRules();

        for (int parallelism : DifferentialRun.PARALLELISMS) {
            DifferentialRun run = DifferentialRun.of(rules, lines, parallelism);
            List<AccessEvent> onTime = run.onTime();
            Reference reference = Reference.of(rules, onTime);

            run.assertNoRuleSawALateEvent().assertAlertsEqual(reference.alerts());

            // The comparison means something only if every rule had many episodes, most of them
            // resolved (the quiet time of the rules with resolve_after 1ms is one millisecond).
            Rule oneEpisode = rules.get(11);
            for (Rule rule : rules) {
                if (rule != oneEpisode) {
                    assertThat(reference.firing(rule.id()))
                            .as("episodes of %s", rule.id())
                            .hasSizeGreaterThanOrEqualTo(10);
                    assertThat(ofRule(reference.alerts(), rule.id()))
                            .as("resolved records of %s", rule.id())
                            .filteredOn(Alert::resolved)
                            .isNotEmpty();
                }
            }
            // The p99 of each upstream stays over its bound: one episode per upstream, extended by
            // every match, and still firing when the input ends (its end is no evidence).
            assertThat(reference.firing(oneEpisode.id())).hasSizeBetween(1, 8);
            assertThat(ofRule(reference.alerts(), oneEpisode.id())).noneMatch(Alert::resolved);
            // And the traffic reached the edges: a share exactly at the bound, a window of
            // exactly min_events, evictions of first-seen values, matches that only extended an
            // episode, update records.
            assertThat(reference.firing("host-errors-eighth-of-8-in-2s"))
                    .anyMatch(a -> a.ratio().numerator() * 8 == a.ratio().denominator())
                    .anyMatch(a -> a.count() == 8);
            assertThat(reference.firing("client-4xx-half-of-4-in-10s"))
                    .anyMatch(a -> a.ratio().numerator() * 2 == a.ratio().denominator())
                    .anyMatch(a -> a.count() == 4);
            assertThat(reference.firing("upstream-min-under-10ms")).anyMatch(a -> a.count() == 3);
            assertThat(reference.evictions().get("client-new-path-3-kept")).isPositive();
            assertThat(reference.evictions().get("host-new-client-20-kept")).isPositive();
            assertThat(reference.evictions().get("client-host-new-url-2-kept-suppressed"))
                    .isPositive();
            // Silences whose deadline no event reached: the end of the input held them back.
            Rule quiet = rules.get(2);
            assertThat(
                            ReferenceEvaluator.evaluate(
                                            quiet, onTime, Long.MIN_VALUE, Long.MAX_VALUE)
                                    .alerts())
                    .hasSizeGreaterThan(reference.firing(quiet.id()).size());
            assertThat(reference.extended())
                    .as("matches that only extended an open episode")
                    .isGreaterThan(10);
            // update_every: updates of the episode's count and last_seen, as the definition says.
            assertThat(reference.updates("host-p95-response-over-100ms")).hasSizeGreaterThan(5);
            assertThat(reference.updates("upstream-avg-over-50ms")).hasSizeGreaterThan(5);
        }
    }

    /**
     * The records of the literal definitions ({@link ReferenceEvaluator#records}), and what the
     * reference counted on the way.
     *
     * @param alerts every record: firing, update and resolved
     * @param candidates the ids of the rules' matches (a firing record is one of them; an update
     *     has an id derived from its firing's)
     * @param evictions per rule, the first-seen values evicted
     * @param extended the matches that joined an open episode instead of opening one
     */
    record Reference(
            List<Alert> alerts,
            Set<String> candidates,
            Map<String, Long> evictions,
            long extended) {
        static Reference of(List<Rule> rules, List<AccessEvent> onTime) {
            long inputStart = Long.MAX_VALUE;
            long maxEventTime = Long.MIN_VALUE;
            for (AccessEvent e : onTime) {
                inputStart = Math.min(inputStart, e.timestamp());
                maxEventTime = Math.max(maxEventTime, e.timestamp());
            }
            List<Alert> alerts = new ArrayList<>();
            Set<String> candidates = new HashSet<>();
            Map<String, Long> evictions = new TreeMap<>();
            long extended = 0;
            for (Rule rule : rules) {
                ReferenceEvaluator.Result result =
                        ReferenceEvaluator.evaluate(rule, onTime, inputStart, maxEventTime);
                List<Alert> records = ReferenceEvaluator.records(rule, onTime);
                Set<String> ids = new HashSet<>();
                result.alerts().forEach(a -> ids.add(a.id()));
                long opened = records.stream().filter(a -> ids.contains(a.id())).count();
                extended += result.alerts().size() - opened;
                candidates.addAll(ids);
                alerts.addAll(records);
                evictions.put(rule.id(), result.evictions());
            }
            return new Reference(alerts, candidates, evictions, extended);
        }

        /** The firing records that opened an episode of the rule. */
        List<Alert> firing(String rule) {
            return ofRule(alerts, rule).stream().filter(a -> candidates.contains(a.id())).toList();
        }

        /** The update records of the rule. */
        List<Alert> updates(String rule) {
            return ofRule(alerts, rule).stream()
                    .filter(a -> !a.resolved() && !candidates.contains(a.id()))
                    .toList();
        }
    }

    @Test
    void agreesWithTheDefinitionsOnWindowEdgesAndEqualTimestamps() throws Exception {
        List<Rule> rules = edgeRules();
        List<String> lines = new ArrayList<>();
        // 10.0.2.1, ratio 2 of 4 (50%) exactly, the 4th event at the min_events boundary; an
        // error exactly `within` (10 s) before the last is out of its window.
        lines.add(request(0, "10.0.2.1").status(404).url("/out").line());
        lines.add(request(10, "10.0.2.1").status(200).url("/a").line());
        lines.add(request(11, "10.0.2.1").status(404).url("/b").line());
        lines.add(request(12, "10.0.2.1").status(200).url("/c").line());
        lines.add(request(13, "10.0.2.1").status(404).url("/d").line());
        // 10.0.2.2: four events at one second, in file order error, ok, ok, error: 2 of 4.
        for (int status : new int[] {500, 200, 200, 503}) {
            lines.add(request(20, "10.0.2.2").status(status).url("/s" + status).line());
        }
        // 10.0.2.3: upstream times (sums of lists, one without a value) whose p50 is 0.3 within
        // 1%, at 35 s with exactly min_events values; a gap of exactly silent_for (5 s) after
        // 30 s: silent from 30 s (an event exactly at the deadline does not prevent it).
        lines.add(request(30, "10.0.2.3").upstreamTime("0.1").line());
        lines.add(request(30, "10.0.2.3").upstreamTime("0.3, 0.2").line());
        lines.add(request(30, "10.0.2.3").upstreamTime("-").line());
        lines.add(request(35, "10.0.2.3").upstreamTime("0.2 : 0.1").line());
        // 10.0.2.4: a gap one second short of silent_for never fires.
        lines.add(request(30, "10.0.2.4").line());
        lines.add(request(34, "10.0.2.4").line());
        // 10.0.2.5: a path first seen exactly at input start + learn_for (40 s) fires, one at
        // 39 s does not; /x comes back after it expired (within 30 s) and fires again.
        lines.add(request(39, "10.0.2.5").url("/x").line());
        lines.add(request(40, "10.0.2.5").url("/y").line());
        // 10.0.2.6: three paths with max_values 2: the oldest is evicted and fires again.
        lines.add(request(50, "10.0.2.6").url("/p").line());
        lines.add(request(51, "10.0.2.6").url("/q").line());
        lines.add(request(52, "10.0.2.6").url("/r").line());
        lines.add(request(53, "10.0.2.6").url("/p").line());
        lines.add(request(69, "10.0.2.5").url("/x").line());
        // The events' own time reaches the deadlines of the silences above (and of their own).
        lines.add(request(120, "10.0.2.9").line());

        for (int parallelism : DifferentialRun.PARALLELISMS) {
            DifferentialRun run = DifferentialRun.of(rules, lines, parallelism);
            assertThat(run.result().late()).isEmpty();
            run.assertAlertsEqual(Reference.of(rules, run.onTime()).alerts());

            // Firing records (compared above with the resolved ones).
            Map<String, List<Alert>> byRule =
                    run.alerts().stream()
                            .filter(a -> !a.resolved())
                            .collect(
                                    Collectors.groupingBy(
                                            Alert::rule, TreeMap::new, Collectors.toList()));
            assertThat(byRule.get("edge-half-errors"))
                    .extracting(a -> a.key().get("clientip"), a -> a.ratio())
                    .containsExactlyInAnyOrder(
                            tuple("10.0.2.1", new Alert.Ratio(2, 4)),
                            tuple("10.0.2.2", new Alert.Ratio(2, 4)));
            assertThat(byRule.get("edge-quiet-5s"))
                    .filteredOn(a -> a.key().get("clientip").equals("10.0.2.3"))
                    .extracting(Alert::silentSince, Alert::count)
                    .containsExactly(
                            tuple(BEGINNING.plusSeconds(30).toEpochMilli(), 3),
                            tuple(BEGINNING.plusSeconds(35).toEpochMilli(), 4));
            assertThat(byRule.get("edge-quiet-5s"))
                    .filteredOn(a -> a.key().get("clientip").equals("10.0.2.4"))
                    .extracting(Alert::silentSince)
                    .containsExactly(BEGINNING.plusSeconds(34).toEpochMilli());
            assertThat(byRule.get("edge-new-path"))
                    .filteredOn(a -> a.key().get("clientip").equals("10.0.2.5"))
                    .extracting(Alert::value)
                    .containsExactly("/y", "/x");
            assertThat(byRule.get("edge-new-path"))
                    .filteredOn(a -> a.key().get("clientip").equals("10.0.2.6"))
                    .extracting(Alert::value)
                    .containsExactly("/p", "/q", "/r", "/p");
            assertThat(byRule.get("edge-median-upstream"))
                    .singleElement()
                    .satisfies(a -> assertThat(a.count()).isEqualTo(3));
        }
    }

    static List<Rule> edgeRules() {
        return List.of(
                TestRules.rule(
                        "edge-half-errors",
                        """
                        severity: info
                        group_by: [clientip]
                        ratio:
                          of: { status: [4xx, 5xx] }
                          at_least: 50%
                          min_events: 4
                        within: 10s
                        suppress: 0s
                        resolve_after: 1ms
                        """),
                TestRules.rule(
                        "edge-median-upstream",
                        """
                        severity: info
                        group_by: [clientip]
                        value:
                          field: upstreamtime
                          p50: { gte: 0.29 }
                          min_events: 3
                        within: 10s
                        suppress: 0s
                        resolve_after: 1ms
                        """),
                TestRules.rule(
                        "edge-quiet-5s",
                        """
                        severity: info
                        group_by: [clientip]
                        match: { http_host: shop.example.com }
                        silent_for: 5s
                        within: 10s
                        suppress: 0s
                        """),
                TestRules.rule(
                        "edge-new-path",
                        """
                        severity: info
                        group_by: [clientip]
                        first_seen: path
                        within: 30s
                        learn_for: 40s
                        max_values: 2
                        suppress: 0s
                        resolve_after: 1ms
                        """));
    }
}
