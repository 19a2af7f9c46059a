package io.nginxalerts.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nginxalerts.job.rules.ThresholdOperator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rule-set comparison of issue 13 ({@code --compare-rules DIR}): two rule directories run side
 * by side in one bench, each row against the first (old) set, with the 0.8× target. Figures worked
 * out on paper from hand-built runs of 1,000,000 events.
 */
class RuleSetComparisonReportTest {
    static final String OLD = "old: /tmp/old-rules";
    static final String NEW = "new: rules";

    /** Old: fixed cost 1 s / 2 CPU s; runs of 12, 10, 14 CPU s (median 10 after the cost). */
    static Report report() {
        BenchMain.Options o =
                BenchMain.Options.parse(
                        new String[] {
                            "--no-peers",
                            "--rules",
                            "/tmp/old-rules",
                            "--compare-rules",
                            "rules",
                            "--compare-rules-only"
                        });
        Report r = new Report(o);
        r.workload(ReportFixture.WORKLOAD);
        r.ruleSetOverhead(OLD, job(1.0, 2.0));
        r.ruleSetOverhead(NEW, job(1.0, 2.0));
        // Interleaved as the bench runs them: old, new, old, new, old, new.
        r.ruleSet(OLD, 8, job(5.0, 12.0));
        r.ruleSet(NEW, 17, job(6.0, 14.5));
        r.ruleSet(OLD, 8, job(4.0, 10.0));
        r.ruleSet(NEW, 17, job(5.0, 12.0));
        r.ruleSet(OLD, 8, job(6.0, 14.0));
        r.ruleSet(NEW, 17, job(7.0, 16.0));
        r.elapsed(60);
        return r;
    }

    @Test
    void figuresTakeOffEachSetsOwnFixedCostAndCompareMediansWithTheOldSet() {
        Report r = report();

        assertThat(r.baselineRuleSet()).isEqualTo(OLD);
        // Medians by events per CPU-s: old 1,000,000 / (12 - 2), new 1,000,000 / (14.5 - 2).
        assertThat(r.ruleSetPerCpu(OLD, r.ruleSetMedian(OLD))).isEqualTo(100_000);
        assertThat(r.ruleSetPerCpu(NEW, r.ruleSetMedian(NEW))).isEqualTo(80_000);
        assertThat(r.ruleSetTimesBaseline(OLD)).isEqualTo(1.0);
        assertThat(r.ruleSetTimesBaseline(NEW)).isEqualTo(0.8);
        // Events/s of the same median runs: 1,000,000 / (6 - 1) over 1,000,000 / (5 - 1).
        assertThat(r.ruleSetRateTimesBaseline(NEW)).isEqualTo(0.8);
        assertThat(r.ruleSetTimesBaseline("new: elsewhere")).isNaN();
    }

    @Test
    void theTargetIsMetAtFourFifthsOfTheOldSetsFigureOrMore() {
        assertThat(Report.ruleSetTargetMet(0.8)).isTrue();
        assertThat(Report.ruleSetTargetMet(1.1)).isTrue();
        assertThat(Report.ruleSetTargetMet(0.79)).isFalse();
        assertThat(Report.ruleSetTargetMet(Double.NaN)).isFalse();
    }

    @Test
    void rendersARowPerSetAndTheTargetAndNothingElseWithCompareRulesOnly() {
        String out = report().render(ReportFixture.HOST);
        List<String> lines = out.lines().toList();

        assertThat(lines)
                .filteredOn(l -> l.startsWith("#"))
                .containsExactly(
                        "## nginx-alerts bench, 2026-01-02T03:04:05Z",
                        "### Rule sets side by side (backtest of 1,000,000 events, parallelism 1)");
        assertThat(lines)
                .contains(
                        "- command: `bench/run --events 1000000 --ips 100000 --no-peers"
                                + " --no-rules-table --rules /tmp/old-rules --compare-rules rules"
                                + " --compare-rules-only`; whole run 60 s")
                .containsSequence(
                        "| rule set | rules | events/s | events per CPU-s | × old, per CPU-s | ×"
                                + " old, events/s | CPU s | fixed cost: wall s / CPU s | alerts"
                                + " |",
                        "|---|---:|---:|---:|---:|---:|---:|---|---:|",
                        "| old: /tmp/old-rules | 8 | 250,000 | 100,000 (83,333–125,000) | 1.00× |"
                                + " 1.00× | 10.0 | 1.0 / 2.0 | 20 |",
                        "| new: rules | 17 | 200,000 | 80,000 (71,429–100,000) | 0.80× | 0.80× |"
                                + " 12.5 | 1.0 / 2.0 | 20 |")
                .contains(
                        "Target (issue 13): new: rules at ≥ 0.80× the events per CPU-s of old:"
                                + " /tmp/old-rules in the same run: **0.80×, met**.");
        assertThat(out).contains("Each row is the median of 3 runs by events per CPU-s");
    }

    @Test
    void compareRulesOnlyNeedsADirectoryToCompare() {
        assertThatThrownBy(() -> BenchMain.Options.parse(new String[] {"--compare-rules-only"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--compare-rules DIR");
    }

    private static JobRun.Result job(double wall, double cpu) {
        return ReportFixture.job(
                "rules", 1, wall, cpu, Double.NaN, 300_000, ThresholdOperator.GROUPED);
    }
}
