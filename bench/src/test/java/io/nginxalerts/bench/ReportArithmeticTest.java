package io.nginxalerts.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nginxalerts.job.rules.ThresholdOperator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The figures the bench report computes, each worked out on paper. */
class ReportArithmeticTest {
    private static final String NL = System.lineSeparator();

    // Ratios against the baseline.

    @Test
    void ratioIsTheMeasuredFigureOverTheBaseline() {
        assertThat(Report.times(250_000, 125_000)).isEqualTo(2.0);
        assertThat(Report.times(100_000, 250_000)).isEqualTo(0.4);
    }

    @Test
    void ratioLineShowsTheRatioToTwoPlacesAndBothFiguresRounded() {
        assertThat(Report.ratio("job p1 / ceiling", 100_000, 30_000.4))
                .isEqualTo("- job p1 / ceiling: **3.33×** (100,000 / 30,000)" + NL);
    }

    @Test
    void ratioAgainstAZeroBaselineIsInfiniteNotAnError() {
        assertThat(Report.times(1, 0)).isInfinite();
        assertThat(Report.ratio("x", 1, 0)).startsWith("- x: **Infinity×**");
    }

    // Medians.

    @Test
    void medianOfAnOddCountIsTheMiddleOne() {
        assertThat(Report.median(List.of(3.0, 1.0, 2.0), Double::doubleValue)).isEqualTo(2.0);
        assertThat(Report.median(List.of(7.0), Double::doubleValue)).isEqualTo(7.0);
    }

    @Test
    void medianOfAnEvenCountIsTheLowerMiddleOneNotAnAverage() {
        assertThat(Report.median(List.of(4.0, 1.0, 3.0, 2.0), Double::doubleValue)).isEqualTo(2.0);
        assertThat(Report.median(List.of(10.0, 20.0), Double::doubleValue)).isEqualTo(10.0);
    }

    @Test
    void medianOfNothingIsNull() {
        assertThat(Report.median(List.<Double>of(), Double::doubleValue)).isNull();
    }

    @Test
    void medianLeavesItsInputInOrder() {
        List<Double> runs = new ArrayList<>(List.of(3.0, 1.0, 2.0));

        Report.median(runs, Double::doubleValue);

        assertThat(runs).containsExactly(3.0, 1.0, 2.0);
    }

    @Test
    void medianRunIsChosenByEventsPerCpuSecondAfterTheOverhead() {
        Report r = ReportFixture.report();

        // p1 runs at 83,333, 100,000 and 125,000 events per CPU-s: the middle one, 250,000/s.
        assertThat(r.topRate(1)).isEqualTo(250_000);
        // p2 runs at 100,000 and 125,000: the lower one, 400,000/s.
        assertThat(r.topRate(2)).isEqualTo(400_000);
    }

    @Test
    void topRateWithoutARunAtThatParallelismIsTheDefault() {
        assertThat(ReportFixture.report().topRate(4)).isEqualTo(50_000);
    }

    @Test
    void rangeSpansTheFiguresAndIsLeftOutForASingleRun() {
        assertThat(Report.range(100_000, 83_333.3, 125_000)).isEqualTo(" (83,333–125,000)");
        assertThat(Report.range(100_000)).isEmpty();
        assertThat(Report.range()).isEmpty();
    }

    // Per second and per CPU-s, less the fixed cost of a job.

    @Test
    void rateAndPerCpuSecondTakeOffTheOverheadMeasuredAtTheSameParallelism() {
        assertRateAndPerCpu(
                job(1, 1.0, 2.0, Double.NaN),
                job(1, 5.0, 12.0, Double.NaN),
                1_000_000 / 4.0,
                1_000_000 / 10.0);
    }

    @Test
    void overheadTakesOffAtMostHalfOfAShortRun() {
        assertRateAndPerCpu(
                job(1, 3.0, 9.0, Double.NaN),
                job(1, 4.0, 10.0, Double.NaN),
                1_000_000 / 2.0,
                1_000_000 / 5.0);
    }

    @Test
    void withoutAnOverheadRunNothingIsTakenOff() {
        // The overhead was measured at parallelism 2, the run is at 1.
        assertRateAndPerCpu(
                job(2, 1.0, 2.0, Double.NaN), job(1, 5.0, 10.0, Double.NaN), 200_000, 100_000);
    }

    /**
     * Checks the events per second and per CPU-s the report gives {@code run} once {@code overhead}
     * has been recorded as the fixed cost at its parallelism.
     */
    private static void assertRateAndPerCpu(
            JobRun.Result overhead, JobRun.Result run, double rate, double perCpu) {
        Report r = new Report(new BenchMain.Options());
        r.overhead(overhead.parallelism(), overhead);

        assertThat(r.rate(run)).isEqualTo(rate);
        assertThat(r.perCpu(run)).isEqualTo(perCpu);
    }

    @Test
    void perCpuSecondWithoutTheJitCompilersLeavesOutTheirCpu() {
        assertThat(job(1, 5.0, 10.0, 2.0).perCpuSecondCompiled(0)).isEqualTo(125_000);
        assertThat(job(1, 5.0, 10.0, Double.NaN).perCpuSecondCompiled(0)).isNaN();
        assertThat(job(1, 5.0, 10.0, 10.0).perCpuSecondCompiled(0)).isNaN();
    }

    @Test
    void ceilingFiguresAreEventsPerWallAndPerProcessCpuSecond() {
        Ceiling.Result c = new Ceiling.Result("consume+parse", 1_000_000, 2.5, 2.0, 5.0);

        assertThat(c.perSecond()).isEqualTo(400_000);
        assertThat(c.perProcessCpuSecond()).isEqualTo(200_000);
    }

    @Test
    void peerLinesPerCpuSecondDoNotDivideByZero() {
        assertThat(ReportFixture.peer("crowdsec", "http", 1_000, 2.0, Set.of()).perCpuSecond())
                .isEqualTo(500);
        assertThat(ReportFixture.peer("crowdsec", "http", 1_000, 0, Set.of()).perCpuSecond())
                .isFinite();
    }

    @Test
    void fail2banPassIsTheLinesOfOnePassOverTheCpuOfAllFilters() {
        Report.Fail2banPass pass =
                Report.Fail2banPass.of(
                        List.of(
                                ReportFixture.peer("fail2ban-regex", "a", 2_000, 0.5, Set.of()),
                                ReportFixture.peer("crowdsec", "http", 1_000, 9.0, Set.of()),
                                Peers.Result.skip("fail2ban-regex", "not installed"),
                                ReportFixture.peer("fail2ban-regex", "b", 2_000, 1.5, Set.of())));

        assertThat(pass.filters()).isEqualTo(2);
        assertThat(pass.lines()).isEqualTo(2_000);
        assertThat(pass.cpuSeconds()).isEqualTo(2.0);
        assertThat(pass.perCpuSecond()).isEqualTo(1_000);
    }

    @Test
    void fail2banPassWithoutAFilterThatRanHasNoFilters() {
        assertThat(
                        Report.Fail2banPass.of(
                                        List.of(
                                                Peers.Result.skip("fail2ban-regex", "missing"),
                                                ReportFixture.peer(
                                                        "crowdsec", "http", 1, 1, Set.of())))
                                .filters())
                .isZero();
    }

    // Cores busy and the bound they put on scaling.

    @Test
    void coresBusyIsCpuSecondsPerWallSecond() {
        assertThat(Report.coresBusy(12, 5)).isEqualTo(2.4);
        assertThat(Report.coresBusy(13, 4)).isEqualTo(3.25);
    }

    @Test
    void parallelismTwoCanGainAtMostWhatParallelismOneLeavesIdle() {
        // p1 keeps one of two cores busy: p2 could at most double it.
        assertThat(Report.scalingBound(2, 1.0)).isEqualTo(2.0);
        // p1 already keeps 1.6 of 2 busy: at most 1.25×.
        assertThat(Report.scalingBound(2, 1.6)).isEqualTo(1.25);
        assertThat(Report.scalingBound(4, 2.4)).isCloseTo(1.6667, within(1e-4));
    }

    @Test
    void coresBusyOfALatencyLevelSplitsTheProcessIntoTasksBrokerAndTheRest() {
        Map<String, Double> groups = new LinkedHashMap<>();
        groups.put("flink-tasks", 2.0);
        groups.put("kafka-broker", 1.0);
        groups.put("other", 99.0);

        Report.CoresBusy busy = Report.CoresBusy.of(level(groups, 5.0, 10));

        assertThat(busy.all()).isEqualTo(0.5);
        assertThat(busy.tasks()).isEqualTo(0.2);
        assertThat(busy.broker()).isEqualTo(0.1);
        assertThat(busy.rest()).isEqualTo(0.2);
    }

    @Test
    void coresBusyOfALatencyLevelWithoutGroupsIsAllRest() {
        Report.CoresBusy busy = Report.CoresBusy.of(level(Map.of(), 9.0, 10));

        assertThat(busy.tasks()).isZero();
        assertThat(busy.broker()).isZero();
        assertThat(busy.rest()).isEqualTo(busy.all()).isEqualTo(0.9);
    }

    // The rule-count table.

    @Test
    void ruleCountFiguresTakeOffTheFixedCostOfTheSameRuleSet() {
        Report r = new Report(new BenchMain.Options());
        r.ruleCountOverhead(8, job(1, 1.0, 2.0, Double.NaN));
        r.ruleCountOverhead(128, job(1, 3.0, 6.0, Double.NaN));
        JobRun.Result run = job(1, 20.0, 46.0, Double.NaN);

        // 1,000,000 events over 20 - 3 s and 46 - 6 CPU s: the 128-rule job's cost, not 8's.
        assertThat(r.ruleCountRate(128, run)).isEqualTo(1_000_000 / 17.0);
        assertThat(r.ruleCountPerCpu(128, run)).isEqualTo(25_000);
        assertThat(r.ruleCountPerCpu(8, run)).isEqualTo(1_000_000 / 44.0);
        // The throughput table's fixed cost (by parallelism) is another one.
        assertThat(r.perCpu(run)).isEqualTo(1_000_000 / 46.0);
    }

    @Test
    void ruleCountRatiosCompareEachSetsMedianRunWithTheShippedSets() {
        Report r = ReportFixture.report();

        assertThat(r.shippedRules()).isEqualTo(8);
        assertThat(r.ruleCountTimesShipped(8)).isEqualTo(1.0);
        assertThat(r.ruleCountTimesShipped(64)).isEqualTo(0.5);
        // Median of 25,000, 33,333 and 20,000 per CPU-s over the shipped median of 100,000.
        assertThat(r.ruleCountTimesShipped(128)).isEqualTo(0.25);
        assertThat(r.ruleCountRateTimesShipped(128))
                .isCloseTo((1_000_000 / 17.0) / 250_000, within(1e-12));
        assertThat(r.ruleCountWholeRunTimesShipped(128))
                .isCloseTo((1_000_000 / 46.0) / (1_000_000 / 12.0), within(1e-12));
    }

    @Test
    void ruleCountRatioOfASetThatDidNotRunIsNaN() {
        Report r = ReportFixture.sparseReport();

        assertThat(r.shippedRules()).isZero();
        assertThat(r.ruleCountTimesShipped(Report.RULE_COUNT_TARGET_RULES)).isNaN();
        assertThat(r.ruleCountMedian(8)).isNull();
    }

    @Test
    void ruleCountTargetIsMetAtHalfTheShippedSetsFigureOrMore() {
        assertThat(Report.ruleCountTargetMet(0.5)).isTrue();
        assertThat(Report.ruleCountTargetMet(0.9)).isTrue();
        assertThat(Report.ruleCountTargetMet(0.49)).isFalse();
        assertThat(Report.ruleCountTargetMet(Double.NaN)).isFalse();
    }

    @Test
    void copyRoundsSayHowASetIsMadeOfTheShippedRules() {
        assertThat(Report.copyRounds(16, 8)).isEqualTo("shipped + 1 copy");
        assertThat(Report.copyRounds(128, 8)).isEqualTo("shipped + 15 copies");
        assertThat(Report.copyRounds(64, 6)).isEqualTo("shipped + 9 copies + 4 more");
    }

    // Latency percentiles and state figures shown in the report.

    @Test
    void percentileIsTheNearestRankOfTheSortedLatencies() {
        LatencyRun.Level odd = level(List.of(5L, 1L, 3L, 2L, 4L));
        LatencyRun.Level even = level(List.of(10L, 40L, 20L, 30L));

        assertThat(odd.percentile(0.5)).isEqualTo(3);
        assertThat(odd.percentile(0.99)).isEqualTo(5);
        assertThat(even.percentile(0.5)).isEqualTo(20);
        assertThat(even.percentile(0.99)).isEqualTo(40);
    }

    @Test
    void percentileOfALevelWithoutAlertsIsMinusOne() {
        assertThat(level(List.of()).percentile(0.5)).isEqualTo(-1);
    }

    @Test
    void statePerActiveKeyIsTheGrowthOverTheActiveKeys() {
        LatencyRun.Result r = ReportFixture.latency();

        assertThat(r.activeKeys()).isEqualTo(50);
        assertThat(r.bytesPerActiveKey()).isEqualTo((51_000 - 1_000) / 50.0);
    }

    @Test
    void heapIsShownInWholeMebibytesRoundedDown() {
        assertThat(Report.mebibytes((420L << 20) + (1 << 19))).isEqualTo(420);
        assertThat(Report.mebibytes((1 << 20) - 1)).isZero();
    }

    // CPU by task and detection.

    @Test
    void cpuByTaskListsTheLargestFirstAndSumsThoseUnderAFifthOfASecond() {
        Map<String, Double> tasks = new LinkedHashMap<>();
        tasks.put("sink", 0.15);
        tasks.put("Source: kafka", 2.4);
        tasks.put("dlq", 0.1);
        tasks.put("rules", 3.6);
        tasks.put("window", 0.2);

        assertThat(Report.byTask(tasks))
                .isEqualTo("rules 3.6; Source: kafka 2.4; window 0.2; others 0.3");
    }

    @Test
    void cpuByTaskHasNoOthersWhenNoTaskIsSmall() {
        assertThat(Report.byTask(Map.of("rules", 1.0))).isEqualTo("rules 1.0");
    }

    @Test
    void perEventByTaskGivesMicrosecondsUnderShortGroupNamesLargestFirst() {
        Map<String, Double> tasks = new LinkedHashMap<>();
        tasks.put("Rules by http_host: server-errors-burst, site-5xx-ratio", 0.5);
        tasks.put("Source: Kafka topic nginx", 3.0);
        tasks.put("Rules by clientip: agent-bad-bot, flood-random-uri", 2.25);
        tasks.put("Rule login-brute-force-success: CEP sequence", 0.01);

        assertThat(Report.perEventByTask(tasks, 1_000_000))
                .isEqualTo(
                        "Source: Kafka topic nginx 3.00; Rules by clientip 2.25;"
                                + " Rules by http_host 0.50");
    }

    @Test
    void intersectCountsTheFlaggedIpsThatAreAttackers() {
        assertThat(
                        Report.intersect(
                                Set.of("10.0.0.1", "10.0.0.3", "192.0.2.9"),
                                List.of("10.0.0.1", "10.0.0.2", "10.0.0.3")))
                .isEqualTo(2);
        assertThat(Report.intersect(Set.of(), List.of("10.0.0.1"))).isZero();
    }

    @Test
    void progressLineShowsTheRunsFiguresAfterTheOverhead() {
        Report r = new Report(new BenchMain.Options());
        r.overhead(1, job(1, 1.0, 2.0, Double.NaN));

        assertThat(r.progressLine(job(1, 5.0, 12.0, 2.0)))
                .isEqualTo(
                        "bench:   default p1: 250,000 events/s, steady 300,000, 100,000 per CPU-s,"
                                + " 12.0 CPU s (JIT 2.0), 20 alerts");
    }

    private static JobRun.Result job(int parallelism, double wall, double cpu, double jit) {
        return ReportFixture.job(
                "default", parallelism, wall, cpu, jit, 300_000, ThresholdOperator.GROUPED);
    }

    private static LatencyRun.Level level(Map<String, Double> groups, double cpu, double seconds) {
        return new LatencyRun.Level("80%", 1000, 1000, 10_000, 0, seconds, cpu, groups, List.of());
    }

    private static LatencyRun.Level level(List<Long> latencies) {
        return new LatencyRun.Level("80%", 1000, 1000, 10_000, 0, 10, 1, Map.of(), latencies);
    }
}
