package io.nginxalerts.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Characterizes {@link Report#render(Report.Host)} on the hand-built run of {@link ReportFixture}:
 * the sections in their order and the lines whose figures can be worked out on paper. Written
 * before the rendering was split into sections, to show that the split kept the output.
 */
class ReportRenderTest {
    private final String report = ReportFixture.report().render(ReportFixture.HOST);
    private final List<String> lines = report.lines().toList();

    @Test
    void rendersTheSectionsInOrder() {
        assertThat(lines)
                .filteredOn(l -> l.startsWith("#"))
                .containsExactly(
                        "## nginx-alerts bench, 2026-01-02T03:04:05Z",
                        "### Throughput (backlog in Kafka, default rule set, alerts into Redis)",
                        "### Ratios",
                        "### Rule count (backtest of 1,000,000 events, parallelism 1, the shipped"
                                + " rules copied with new ids)",
                        "### Alert latency (streaming job, parallelism 2; append to Kafka → alert"
                                + " in Redis)",
                        "### State (heap state backend, checkpoint of the streaming run)",
                        "### Peers (identical events)",
                        "### Which attacker IPs each tool flags");
        assertThat(report).endsWith("\n- a note on the run\n- another note\n");
    }

    @Test
    void headerTakesTheHostAndTheCommandFromTheRun() {
        assertThat(lines)
                .containsSequence("- machine: 4 cores (test CPU)", "- versions: Java test")
                .contains(
                        "- command: `bench/run --quick --events 20000 --ips 500 --peers`; whole"
                                + " run 123 s");
        assertThat(lines)
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .startsWith("- workload: 20,000 events (nginx JSON, ")
                                        .contains("500 client IPs (Zipf 1.1)")
                                        .endsWith(
                                                "seed 1; appended to Kafka (2 partitions) in"
                                                        + " 1.3 s"));
    }

    @Test
    void throughputRowsAreTheCeilingsThenEachConfigurationsMedianRun() {
        assertThat(lines)
                .containsSequence(
                        "| ceiling: consume (1 thread, no Flink) | 1,000,000 | - | 2.0 | 500,000 |"
                                + " consumer thread 0.8 | - |",
                        "| ceiling: consume+jackson (1 thread, no Flink) | 500,000 | - | 4.0 |"
                                + " 250,000 | consumer thread 1.5 | - |",
                        "| ceiling: consume+parse (1 thread, no Flink) | 400,000 | - | 5.0 |"
                                + " 200,000 | consumer thread 2.0 | - |",
                        "| job, parallelism 1 | 250,000 | 300,000 | 10.0 | 100,000"
                                + " (83,333–125,000) | 6.0 / 3.0 / 3.0 / 2.0 | 20 |",
                        "| job, parallelism 2 | 400,000 | 450,000 | 10.0 | 100,000"
                                + " (100,000–125,000) | 6.5 / 3.3 / 3.3 / 2.5 | 20 |",
                        "| job, threshold rules on CEP (baseline), parallelism 1 | 125,000 |"
                                + " 140,000 | 25.0 | 40,000 | 13.5 / 6.8 / 6.8 / 4.0 | 20 |");
        assertThat(report)
                .contains("(p1 1.0 s wall / 2.0 CPU s, p2 1.5 s / 3.0 CPU s)")
                .contains("Each job row is the median of 3 runs by events per CPU-s");
    }

    @Test
    void cpuByTaskListsTheLargestFirstAndSumsTheSmallOnes() {
        assertThat(lines)
                .contains(
                        "CPU seconds by Flink task (all subtasks), job at parallelism 1: rules"
                                + " 3.6; Source: kafka 2.4; others 0.2.",
                        "CPU seconds by Flink task (all subtasks), job at parallelism 2: rules"
                                + " 3.9; Source: kafka 2.6; others 0.2.",
                        "The same with threshold rules on CEP: rules 8.1; Source: kafka 5.4;"
                                + " others 0.2.");
    }

    @Test
    void ratiosCompareTheMedianRunsWithTheirBaselines() {
        assertThat(lines)
                .containsSequence(
                        "- sliding count / CEP for threshold rules (job p1), events per CPU-s:"
                                + " **2.50×** (100,000 / 40,000)",
                        "- sliding count / CEP for threshold rules (job p1), events/s: **2.00×**"
                                + " (250,000 / 125,000)",
                        "- job p1 / ceiling (consume + Jackson), events per CPU-s: **0.40×**"
                                + " (100,000 / 250,000)",
                        "- job p1 / ceiling (consume + our parser), events per CPU-s: **0.50×**"
                                + " (100,000 / 200,000)",
                        "- job p2 / job p1, events/s (scaling): **1.60×** (400,000 / 250,000)",
                        "- job p2 / job p1, steady events/s (scaling while running): **1.50×**"
                                + " (450,000 / 300,000)",
                        "- cores busy (process CPU s / wall s): job p1 2.40, job p2 3.25 of 4; so"
                                + " parallelism 2 could be at most 1.67× parallelism 1 here",
                        "- job p1, events per CPU-s without the JIT compilers' CPU (the steady"
                                + " state of a long-running job): 125,000",
                        "- job p2, events per CPU-s without the JIT compilers' CPU (the steady"
                                + " state of a long-running job): 133,333",
                        "- ours (p1) / fail2ban-regex filter nginx-a, per CPU-s: **25.00×**"
                                + " (100,000 / 4,000)",
                        "- ours (p1) / fail2ban-regex filter nginx-b, per CPU-s: **75.00×**"
                                + " (100,000 / 1,333)",
                        "- ours (p1) / crowdsec http scenarios, per CPU-s: **200.00×** (100,000 /"
                                + " 500)",
                        "- ours (p1, 8 rules) / fail2ban-regex (all 2 filters, one pass each),"
                                + " per CPU-s: **100.00×** (100,000 / 1,000)");
    }

    @Test
    void latencyLevelsShowPercentilesAndCoresBusyByGroup() {
        assertThat(lines)
                .contains(
                        "Watermark delay (configured out-of-orderness): 2000 ms; an alert waits"
                                + " for it by design (event time = wall time here).")
                .containsSequence(
                        "| 50% of top rate | 1,000 | 991 | 5 | 3 | 5 | 12 | 0.50 (0.20 / 0.10 /"
                                + " 0.20) |",
                        "| 100% of top rate | 2,000 | 1,980 | 4 | 20 | 40 | 1,234 | 0.80 (0.20 /"
                                + " 0.10 / 0.50) |",
                        "| 150% of top rate | 3,000 | 2,500 | 0 | -1 | -1 | 0 | 0.90 (0.00 / 0.00"
                                + " / 0.90) |");
        assertThat(report)
                .contains(
                        "Alerts completed by a line the harness did not expect to match a rule"
                                + " (not measured): 3.\n");
    }

    @Test
    void stateShowsEachSampleAndTheBytesPerActiveKey() {
        assertThat(lines)
                .containsSequence(
                        "| before traffic | 1,000 | 15 | 300 MB |",
                        "| end of the 80% phase | 51,000 | 25 | 420 MB |",
                        "| after the keys went quiet | 1,200 | 12 | 310 MB |");
        assertThat(report)
                .contains(
                        "50 in all, {scan-404=30, brute-force-login=20}. State per active key and"
                                + " rule: 1,000 bytes ((checkpoint at peak - before traffic) /"
                                + " active keys). After the keys go quiet: 1,200 bytes vs 1,000"
                                + " before traffic.\n\n");
    }

    @Test
    void peersTableShowsSkippedPeersWithoutBreakingTheTable() {
        assertThat(lines)
                .containsSequence(
                        "| fail2ban-regex | filter nginx-a | 2,000 | 0.8 | 0.5 | 4,000 |",
                        "| fail2ban-regex | filter nginx-b | 2,000 | 2.3 | 1.5 | 1,333 |",
                        "| python | skipped: no kafka / module at all | | | | |",
                        "| crowdsec | http scenarios | 1,000 | 3.0 | 2.0 | 500 |");
    }

    @Test
    void detectionCountsFlaggedAttackersAgainstEachToolsTruth() {
        int attackers = ReportFixture.attackers().size();
        int ours = (attackers + 1) / 2;
        assertThat(attackers).isGreaterThan(2);
        assertThat(lines)
                .containsSequence(
                        "- ours (p1, all 20000 events): "
                                + ours
                                + " of "
                                + attackers
                                + " attacker IPs flagged, 1 other IPs flagged",
                        "- fail2ban-regex (2,000 lines): 1 of "
                                + attackers
                                + " attacker IPs flagged, 1 other IPs flagged; ours flags "
                                + ours
                                + " of those "
                                + attackers,
                        "- crowdsec (1,000 lines: every attack line plus a sample of the rest): 2"
                                + " of "
                                + attackers
                                + " attacker IPs flagged, 0 other IPs flagged; ours flags "
                                + ours
                                + " of those "
                                + attackers);
    }

    @Test
    void aShortRunLeavesOutWhatDidNotRun() {
        String sparse = ReportFixture.sparseReport().render(ReportFixture.HOST);

        assertThat(sparse.lines())
                .filteredOn(l -> l.startsWith("#"))
                .containsExactly(
                        "## nginx-alerts bench, 2026-01-02T03:04:05Z",
                        "### Throughput (backlog in Kafka, default rule set, alerts into Redis)",
                        "### Ratios");
        assertThat(sparse.lines())
                .contains(
                        "- command: `bench/run --events 1000000 --ips 100000 --no-peers`; whole"
                                + " run 10 s",
                        "| job, parallelism 1 | 250,000 | NaN | 6.0 | 166,667 | 3.0 / 1.5 / 1.5 /"
                                + " NaN | 20 |")
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .startsWith(
                                                "- workload: 100 events (nginx JSON as Logstash"
                                                        + " ships it, "));
        assertThat(sparse).endsWith("### Ratios\n\n\n");
    }

    @Test
    void ruleCountRowsAreEachSetsMedianRunAgainstTheShippedSet() {
        assertThat(lines)
                .containsSequence(
                        "| rules | events/s | events per CPU-s | × shipped, per CPU-s | × shipped,"
                                + " events/s | whole run: events per CPU-s (× shipped) | CPU s |"
                                + " fixed cost: wall s / CPU s | alerts |",
                        "|---|---:|---:|---:|---:|---:|---:|---|---:|",
                        "| 8 (shipped) | 250,000 | 100,000 (100,000–166,667) | 1.00× | 1.00× |"
                                + " 83,333 (1.00×) | 10.0 | 1.0 / 2.0 | 20 |",
                        "| 64 (shipped + 7 copies) | 125,000 | 50,000 | 0.50× | 0.50× | 41,667"
                                + " (0.50×) | 20.0 | 2.0 / 4.0 | 20 |",
                        "| 128 (shipped + 15 copies) | 58,824 | 25,000 (20,000–33,333) | 0.25× |"
                                + " 0.24× | 21,739 (0.26×) | 40.0 | 3.0 / 6.0 | 20 |");
    }

    @Test
    void ruleCountPrintsTheTargetAndWhetherThisRunMeetsIt() {
        assertThat(lines)
                .contains(
                        "Target (issue 12): 128 rules at ≥ 0.50× the shipped set's events per"
                                + " CPU-s in the same run: **0.25×, not met** (fixed cost taken"
                                + " off); whole runs, start and finish included: 0.26×, not met.");
        assertThat(report)
                .contains("reading the same 1,000,000 events from Kafka")
                .contains("Each row is the median of 2 runs by events per CPU-s");
    }

    @Test
    void ruleCountAloneRendersOnlyItsTableAndSaysTheTargetWasNotMeasuredWithout128Rules() {
        String only = ReportFixture.ruleCountOnlyReport().render(ReportFixture.HOST);

        assertThat(only.lines())
                .filteredOn(l -> l.startsWith("#"))
                .containsExactly(
                        "## nginx-alerts bench, 2026-01-02T03:04:05Z",
                        "### Rule count (backtest of 1,000,000 events, parallelism 1, the shipped"
                                + " rules copied with new ids)");
        assertThat(only.lines())
                .contains(
                        "- command: `bench/run --events 50000 --ips 100000 --no-peers"
                                + " --rules-table-only --rules-table-events 50000`; whole run 60 s",
                        "| 64 (shipped + 7 copies) | 100,000 | 25,000 | 0.25× | 0.50× | 25,000"
                                + " (0.25×) | 40.0 | - | 20 |",
                        "Target (issue 12): 128 rules at ≥ 0.50× the shipped set's events per"
                                + " CPU-s in the same run: not measured in this run.");
    }

    @Test
    void sparseReportHasNoRuleCountTable() {
        assertThat(ReportFixture.sparseReport().render(ReportFixture.HOST))
                .doesNotContain("Rule count");
    }
}
