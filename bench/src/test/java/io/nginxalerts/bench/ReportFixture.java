package io.nginxalerts.bench;

import io.nginxalerts.job.rules.ThresholdOperator;
import io.nginxalerts.traffic.LineFormat;
import io.nginxalerts.traffic.TrafficProfile;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A bench run built by hand: every section of the report has something to show, and the numbers are
 * chosen so that each figure can be worked out on paper (see {@link ReportTest}).
 */
final class ReportFixture {
    private ReportFixture() {}

    /** The host the fixture's report renders on: fixed, unlike {@link Report.Host#current()}. */
    static final Report.Host HOST =
            new Report.Host("2026-01-02T03:04:05Z", "4 cores (test CPU)", "Java test", 4);

    /** Seeded, small, with many attacks (a fifth of the lines) so every tool has some to flag. */
    static final Workload WORKLOAD =
            Workload.generate(
                    new TrafficProfile(
                            1L,
                            500,
                            1.1,
                            0.2,
                            Duration.ofSeconds(5),
                            5_000,
                            TrafficProfile.DEFAULT_START,
                            0),
                    LineFormat.NGINX_JSON,
                    20_000);

    /** The workload's attacker IPs, sorted. */
    static List<String> attackers() {
        return BenchMain.clientAttackers(WORKLOAD.attacks);
    }

    /** Our flagged IPs: every other attacker plus one IP that is not an attacker. */
    static Set<String> ourFlagged() {
        Set<String> flagged = new LinkedHashSet<>();
        List<String> all = attackers();
        for (int i = 0; i < all.size(); i += 2) {
            flagged.add(all.get(i));
        }
        flagged.add("198.51.100.77");
        return flagged;
    }

    static Report report() {
        BenchMain.Options options = new BenchMain.Options();
        options.quick = true;
        options.events = 20_000;
        options.ips = 500;
        options.peers = true;
        options.repeats = 3;
        Report r = new Report(options);
        r.workload(WORKLOAD);
        r.produced(1.25);
        r.ceiling(new Ceiling.Result("consume", 1_000_000, 1.0, 0.8, 2.0));
        r.ceiling(new Ceiling.Result("consume+jackson", 1_000_000, 2.0, 1.5, 4.0));
        r.ceiling(new Ceiling.Result("consume+parse", 1_000_000, 2.5, 2.0, 5.0));
        r.overhead(1, job("overhead", 1, 1.0, 2.0, 0.0, Double.NaN, ThresholdOperator.GROUPED));
        r.overhead(2, job("overhead", 2, 1.5, 3.0, 0.0, Double.NaN, ThresholdOperator.GROUPED));
        // Interleaved as the bench runs them: p1, p2, p1, p2, p1, then CEP.
        r.job(job("default", 1, 5.0, 12.0, 2.0, 300_000, ThresholdOperator.GROUPED));
        r.job(job("default", 2, 3.5, 11.0, 2.0, 460_000, ThresholdOperator.GROUPED));
        r.job(job("default", 1, 5.0, 10.0, 1.0, 310_000, ThresholdOperator.GROUPED));
        r.job(job("default", 2, 4.0, 13.0, 2.5, 450_000, ThresholdOperator.GROUPED));
        r.job(job("default", 1, 6.0, 14.0, 3.0, 290_000, ThresholdOperator.GROUPED));
        r.job(job("cep", 1, 9.0, 27.0, 4.0, 140_000, ThresholdOperator.CEP));
        ruleCounts(r);
        r.latency(latency());
        r.peers(
                List.of(
                        peer("fail2ban-regex", "filter nginx-a", 2_000, 0.5, Set.of()),
                        peer(
                                "fail2ban-regex",
                                "filter nginx-b",
                                2_000,
                                1.5,
                                Set.of(attackers().get(0), "203.0.113.9")),
                        Peers.Result.skip("python", "no kafka | module\nat all")));
        r.peers(
                List.of(
                        peer(
                                "crowdsec",
                                "http scenarios",
                                1_000,
                                2.0,
                                Set.copyOf(attackers().subList(0, 2)))));
        r.crowdsecTruth(WORKLOAD.attacks);
        r.ourFlagged(ourFlagged());
        r.note("a note on the run");
        r.note("another note");
        r.elapsed(123.4);
        return r;
    }

    /**
     * A short run: Logstash-shaped lines, one run of the default job at p1 only, no JIT figure, no
     * overhead measured, no latency run, no peers.
     */
    static Report sparseReport() {
        BenchMain.Options options = new BenchMain.Options();
        options.peers = false;
        options.repeats = 1;
        Report r = new Report(options);
        r.workload(Workload.generate(TrafficProfile.bench(50), LineFormat.LOGSTASH_JSON, 100));
        r.produced(0.04);
        r.job(job("default", 1, 4.0, 6.0, Double.NaN, Double.NaN, ThresholdOperator.GROUPED));
        r.elapsed(9.5);
        return r;
    }

    /**
     * The rule-count table of a run, worked out on paper (1,000,000 events each; a figure is events
     * over wall or CPU seconds less the fixed cost of that rule set):
     *
     * <ul>
     *   <li>8 rules (shipped), fixed cost 1 s / 2 CPU s: runs at 100,000 and 166,667 per CPU-s; the
     *       median (the lower of two) 250,000 events/s, 100,000 per CPU-s, whole run 83,333;
     *   <li>64 rules, fixed cost 2 s / 4 CPU s: 125,000 events/s, 50,000 per CPU-s (0.50×), whole
     *       run 41,667 (0.50×);
     *   <li>128 rules, fixed cost 3 s / 6 CPU s: runs at 25,000, 33,333 and 20,000 per CPU-s; the
     *       median 58,824 events/s (0.24×), 25,000 per CPU-s (0.25×), whole run 21,739 (0.26×).
     * </ul>
     */
    static void ruleCounts(Report r) {
        ThresholdOperator sc = ThresholdOperator.GROUPED;
        r.ruleCountOverhead(8, job("rules-8-calibration", 1, 1.0, 2.0, 0.0, Double.NaN, sc));
        r.ruleCountOverhead(64, job("rules-64-calibration", 1, 2.0, 4.0, 0.0, Double.NaN, sc));
        r.ruleCountOverhead(128, job("rules-128-calibration", 1, 3.0, 6.0, 0.0, Double.NaN, sc));
        // Interleaved as the bench runs them.
        r.ruleCount(8, job("rules-8", 1, 5.0, 12.0, 1.0, 300_000, sc));
        r.ruleCount(64, job("rules-64", 1, 10.0, 24.0, 1.0, 150_000, sc));
        r.ruleCount(128, job("rules-128", 1, 20.0, 46.0, 1.0, 70_000, sc));
        r.ruleCount(8, job("rules-8", 1, 4.0, 8.0, 1.0, 300_000, sc));
        r.ruleCount(128, job("rules-128", 1, 18.0, 36.0, 1.0, 70_000, sc));
        r.ruleCount(128, job("rules-128", 1, 22.0, 56.0, 1.0, 70_000, sc));
    }

    /** A run of the rule-count table alone ({@code --rules-table-only}), one run of each set. */
    static Report ruleCountOnlyReport() {
        BenchMain.Options options =
                BenchMain.Options.parse(
                        new String[] {"--rules-table-only", "--rules-table-events", "50k"});
        Report r = new Report(options);
        r.workload(WORKLOAD);
        r.produced(0.5);
        ThresholdOperator sc = ThresholdOperator.GROUPED;
        r.ruleCount(8, job("rules-8", 1, 5.0, 10.0, 1.0, 300_000, sc));
        r.ruleCount(64, job("rules-64", 1, 10.0, 40.0, 1.0, 150_000, sc));
        r.elapsed(60);
        return r;
    }

    /** A run of 1,000,000 events, 20 alerts all delivered; CPU by group and task. */
    static JobRun.Result job(
            String label,
            int parallelism,
            double wall,
            double cpu,
            double jit,
            double steady,
            ThresholdOperator thresholds) {
        Map<String, Double> groups = new LinkedHashMap<>();
        groups.put("flink-tasks", cpu * 0.5);
        groups.put("kafka-broker", cpu * 0.25);
        groups.put("other", cpu * 0.25);
        Map<String, Double> tasks = new LinkedHashMap<>();
        tasks.put("Source: kafka", cpu * 0.2);
        tasks.put("rules", cpu * 0.3);
        tasks.put("sink", 0.1);
        tasks.put("dlq", 0.05);
        return new JobRun.Result(
                label,
                parallelism,
                1_000_000,
                20,
                20,
                wall,
                cpu,
                groups,
                tasks,
                jit,
                steady,
                thresholds,
                Map.of());
    }

    static Peers.Result peer(
            String peer, String what, long lines, double cpu, Set<String> flagged) {
        return new Peers.Result(peer, what, lines, cpu * 1.5, cpu, flagged, null);
    }

    static LatencyRun.Result latency() {
        Map<String, Double> groups = new LinkedHashMap<>();
        groups.put("flink-tasks", 2.0);
        groups.put("kafka-broker", 1.0);
        Map<String, Integer> keys = new LinkedHashMap<>();
        keys.put("scan-404", 30);
        keys.put("brute-force-login", 20);
        return new LatencyRun.Result(
                List.of(
                        new LatencyRun.Level(
                                "50%",
                                1000,
                                990.5,
                                9_905,
                                12,
                                10,
                                5.0,
                                groups,
                                List.of(5L, 1L, 3L, 2L, 4L)),
                        new LatencyRun.Level(
                                "100%",
                                2000,
                                1_980,
                                19_800,
                                1_234,
                                10,
                                8.0,
                                groups,
                                List.of(10L, 40L, 20L, 30L)),
                        new LatencyRun.Level(
                                "150%", 3000, 2_500, 25_000, 0, 10, 9.0, Map.of(), List.of())),
                List.of(
                        new LatencyRun.StateSample("before traffic", 1_000, 15, 300L << 20),
                        new LatencyRun.StateSample("end of the 80% phase", 51_000, 25, 420L << 20),
                        new LatencyRun.StateSample(
                                "after the keys went quiet", 1_200, 12, 310L << 20)),
                keys,
                2_000,
                2,
                3);
    }
}
