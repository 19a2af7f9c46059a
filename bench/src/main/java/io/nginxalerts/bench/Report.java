package io.nginxalerts.bench;

import io.nginxalerts.job.rules.ThresholdOperator;
import io.nginxalerts.traffic.Attack;
import io.nginxalerts.traffic.LineFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;

/** Collects the measurements of one bench run and renders them as one Markdown report. */
final class Report {
    private final BenchMain.Options options;
    private Workload workload;
    private double produceSeconds;
    private final List<Ceiling.Result> ceilings = new ArrayList<>();
    private final Map<Integer, JobRun.Result> overhead = new HashMap<>();
    private final List<JobRun.Result> jobs = new ArrayList<>();
    private LatencyRun.Result latency;
    private final List<Peers.Result> peers = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private Set<String> ourFlagged = Set.of();
    private List<Attack> crowdsecTruth = List.of();
    private double elapsed;
    private final Map<Integer, List<JobRun.Result>> ruleCountRuns = new LinkedHashMap<>();
    private final Map<Integer, JobRun.Result> ruleCountOverhead = new HashMap<>();

    private final Map<String, List<JobRun.Result>> ruleSetRuns = new LinkedHashMap<>();
    private final Map<String, JobRun.Result> ruleSetOverhead = new HashMap<>();
    private final Map<String, Integer> ruleSetSizes = new HashMap<>();

    /**
     * The target of issue 13: the new rule set (--compare-rules) at this share of the old set's
     * (--rules, or the bundled rules) events per CPU-s, or more, in the same run.
     */
    static final double RULE_SET_TARGET = 0.8;

    /** The rule count the target of issue 12 is about. */
    static final int RULE_COUNT_TARGET_RULES = 128;

    /**
     * The target of issue 12: {@link #RULE_COUNT_TARGET_RULES} rules at this share of the shipped
     * set's events per CPU-s, or more, in the same run.
     */
    static final double RULE_COUNT_TARGET = 0.5;

    Report(BenchMain.Options options) {
        this.options = options;
    }

    void workload(Workload w) {
        this.workload = w;
    }

    void produced(double seconds) {
        produceSeconds = seconds;
    }

    void ceiling(Ceiling.Result r) {
        ceilings.add(r);
    }

    void overhead(int parallelism, JobRun.Result r) {
        overhead.put(parallelism, r);
    }

    /** One run of a job configuration; a configuration may run several times (--repeats). */
    void job(JobRun.Result r) {
        jobs.add(r);
    }

    /**
     * The fixed cost of a job with {@code rules} rules (a run over a 1-event topic): a job with
     * more rules has more tasks to deploy, start and finish.
     */
    void ruleCountOverhead(int rules, JobRun.Result r) {
        ruleCountOverhead.put(rules, r);
    }

    /**
     * One run of the rule-count table with {@code rules} rules; the smallest count recorded is the
     * shipped set every row is compared with.
     */
    void ruleCount(int rules, JobRun.Result r) {
        ruleCountRuns.computeIfAbsent(rules, k -> new ArrayList<>()).add(r);
    }

    /** The fixed cost of a job with the rule set {@code set} (a run over a 1-event topic). */
    void ruleSetOverhead(String set, JobRun.Result r) {
        ruleSetOverhead.put(set, r);
    }

    /**
     * One run of the rule-set comparison with the set {@code set} of {@code rules} rules; the first
     * set recorded is the baseline every row is compared with.
     */
    void ruleSet(String set, int rules, JobRun.Result r) {
        ruleSetSizes.put(set, rules);
        ruleSetRuns.computeIfAbsent(set, k -> new ArrayList<>()).add(r);
    }

    /** One line on a finished run of the rule-set comparison. */
    String ruleSetProgressLine(String set, JobRun.Result r) {
        return progressLine(r, ruleSetRate(set, r), ruleSetPerCpu(set, r));
    }

    /** Events/s of a run with the rule set {@code set}, less that set's fixed cost. */
    double ruleSetRate(String set, JobRun.Result r) {
        JobRun.Result o = ruleSetOverhead.get(set);
        return r.perSecond(o == null ? 0 : o.wallSeconds());
    }

    /** Events per CPU-s of a run with the rule set {@code set}, less that set's fixed cost. */
    double ruleSetPerCpu(String set, JobRun.Result r) {
        JobRun.Result o = ruleSetOverhead.get(set);
        return r.perCpuSecond(o == null ? 0 : o.processCpu());
    }

    /** The median run (by events per CPU-s) with the rule set {@code set}, or null. */
    JobRun.Result ruleSetMedian(String set) {
        return median(ruleSetRuns.getOrDefault(set, List.of()), r -> ruleSetPerCpu(set, r));
    }

    /** The set every row of the rule-set comparison is compared with: the first recorded. */
    String baselineRuleSet() {
        return ruleSetRuns.keySet().stream().findFirst().orElse(null);
    }

    /**
     * The median run with the rule set {@code set} as a multiple of the baseline set's median run,
     * in events per CPU-s (fixed cost off); NaN when either did not run.
     */
    double ruleSetTimesBaseline(String set) {
        return ruleSetTimesBaseline(set, this::ruleSetPerCpu);
    }

    /** As {@link #ruleSetTimesBaseline(String)}, in events/s. */
    double ruleSetRateTimesBaseline(String set) {
        return ruleSetTimesBaseline(set, this::ruleSetRate);
    }

    private double ruleSetTimesBaseline(
            String set, ToDoubleBiFunction<String, JobRun.Result> figure) {
        String base = baselineRuleSet();
        JobRun.Result r = ruleSetMedian(set);
        JobRun.Result b = base == null ? null : ruleSetMedian(base);
        if (r == null || b == null) {
            return Double.NaN;
        }
        return times(figure.applyAsDouble(set, r), figure.applyAsDouble(base, b));
    }

    /** True when {@code timesBaseline} (a multiple of the old set's figure) meets the target. */
    static boolean ruleSetTargetMet(double timesBaseline) {
        return timesBaseline >= RULE_SET_TARGET;
    }

    /** One line on a finished run, for the progress output of a long bench. */
    String progressLine(JobRun.Result r) {
        return progressLine(r, rate(r), perCpu(r));
    }

    /** One line on a finished run of the rule-count table with {@code rules} rules. */
    String ruleCountProgressLine(int rules, JobRun.Result r) {
        return progressLine(r, ruleCountRate(rules, r), ruleCountPerCpu(rules, r));
    }

    private static String progressLine(JobRun.Result r, double rate, double perCpu) {
        return String.format(
                Locale.ROOT,
                "bench:   %s p%d: %,.0f events/s, steady %,.0f, %,.0f per CPU-s, %.1f CPU s (JIT"
                        + " %.1f), %d alerts",
                r.label(),
                r.parallelism(),
                rate,
                r.steadyPerSecond(),
                perCpu,
                r.processCpu(),
                r.jitCpu(),
                r.alerts());
    }

    void latency(LatencyRun.Result r) {
        latency = r;
    }

    void peers(List<Peers.Result> r) {
        peers.addAll(r);
    }

    void note(String n) {
        notes.add(n);
    }

    void ourFlagged(Set<String> ips) {
        ourFlagged = ips;
    }

    void crowdsecTruth(List<Attack> attacks) {
        crowdsecTruth = attacks;
    }

    void elapsed(double seconds) {
        elapsed = seconds;
    }

    private double wallOverhead(int p) {
        JobRun.Result r = overhead.get(p);
        return r == null ? 0 : r.wallSeconds();
    }

    private double cpuOverhead(int p) {
        JobRun.Result r = overhead.get(p);
        return r == null ? 0 : r.processCpu();
    }

    double rate(JobRun.Result r) {
        return r.perSecond(wallOverhead(r.parallelism()));
    }

    double perCpu(JobRun.Result r) {
        return r.perCpuSecond(cpuOverhead(r.parallelism()));
    }

    /** Events/s of a rule-count run, less the fixed cost of a job with that many rules. */
    double ruleCountRate(int rules, JobRun.Result r) {
        JobRun.Result o = ruleCountOverhead.get(rules);
        return r.perSecond(o == null ? 0 : o.wallSeconds());
    }

    /** Events per CPU-s of a rule-count run, less the fixed cost of a job with that many rules. */
    double ruleCountPerCpu(int rules, JobRun.Result r) {
        JobRun.Result o = ruleCountOverhead.get(rules);
        return r.perCpuSecond(o == null ? 0 : o.processCpu());
    }

    /** The median run (by events per CPU-s) with {@code rules} rules, or null when none ran. */
    JobRun.Result ruleCountMedian(int rules) {
        return median(ruleCountRuns.getOrDefault(rules, List.of()), r -> ruleCountPerCpu(rules, r));
    }

    /** The rule count of the shipped set: the smallest one that ran, or 0 when none did. */
    int shippedRules() {
        return ruleCountRuns.keySet().stream().mapToInt(Integer::intValue).min().orElse(0);
    }

    /**
     * The median run with {@code rules} rules as a multiple of the shipped set's median run, in
     * events per CPU-s; NaN when either did not run.
     */
    double ruleCountTimesShipped(int rules) {
        return ruleCountTimesShipped(rules, this::ruleCountPerCpu);
    }

    /**
     * As {@link #ruleCountTimesShipped(int)}, over whole runs: the fixed cost of starting and
     * finishing a job with that many rules left in, as a backtest of this length pays it.
     */
    double ruleCountWholeRunTimesShipped(int rules) {
        return ruleCountTimesShipped(rules, (n, r) -> r.perCpuSecond(0));
    }

    /** As {@link #ruleCountTimesShipped(int)}, in events/s. */
    double ruleCountRateTimesShipped(int rules) {
        return ruleCountTimesShipped(rules, this::ruleCountRate);
    }

    private double ruleCountTimesShipped(
            int rules, ToDoubleBiFunction<Integer, JobRun.Result> figure) {
        int shipped = shippedRules();
        JobRun.Result r = ruleCountMedian(rules);
        JobRun.Result base = ruleCountMedian(shipped);
        if (r == null || base == null) {
            return Double.NaN;
        }
        return times(figure.applyAsDouble(rules, r), figure.applyAsDouble(shipped, base));
    }

    /** True when {@code timesShipped} (a multiple of the shipped set) meets the target. */
    static boolean ruleCountTargetMet(double timesShipped) {
        return timesShipped >= RULE_COUNT_TARGET;
    }

    /** The measured top rate (events/s) of the job at this parallelism. */
    double topRate(int parallelism) {
        JobRun.Result r = find(parallelism);
        return r == null ? 50_000 : rate(r);
    }

    /**
     * What the report takes from the machine it renders on rather than from the measurements: the
     * time of rendering, the machine and version lines and the number of cores.
     */
    record Host(String renderedAt, String machine, String versions, int cores) {
        static Host current() {
            return new Host(
                    ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                    Machine.describe(),
                    Machine.versions(),
                    Runtime.getRuntime().availableProcessors());
        }
    }

    String render() {
        return render(Host.current());
    }

    /** The report as Markdown; the same measurements on the same host render the same bytes. */
    String render(Host host) {
        StringBuilder s = new StringBuilder();
        s.append(header(host));
        // A run of the rule-count table alone (--rules-table-only) has no throughput to show.
        if (!jobs.isEmpty() || !ceilings.isEmpty()) {
            s.append(throughput());
            s.append(cpuByTask());
            s.append(ratios(host.cores()));
        }
        if (!ruleCountRuns.isEmpty()) {
            s.append(ruleCountTable());
        }
        if (!ruleSetRuns.isEmpty()) {
            s.append(ruleSetTable());
        }
        if (latency != null) {
            s.append(latencyLevels());
            s.append(state());
        }
        if (!peers.isEmpty()) {
            s.append(peerTable());
            s.append('\n').append(detection()).append('\n');
        }
        s.append(notes());
        return s.toString();
    }

    /** The title, the machine, the versions, the workload and the command that ran. */
    private String header(Host host) {
        StringBuilder s = new StringBuilder();
        s.append("## nginx-alerts bench, ").append(host.renderedAt()).append("\n\n");
        s.append("- machine: ").append(host.machine()).append('\n');
        s.append("- versions: ").append(host.versions()).append('\n');
        s.append(
                String.format(
                        Locale.ROOT,
                        "- workload: %,d events (%s, %.0f bytes avg), %,d client IPs (Zipf"
                                + " 1.1), %d injected attacks, 0-5 s jitter, seed %d; appended to"
                                + " Kafka (2 partitions) in %.1f s%n",
                        workload.size(),
                        workload.format == LineFormat.LOGSTASH_JSON
                                ? "nginx JSON as Logstash ships it"
                                : "nginx JSON",
                        workload.averageBytes(),
                        workload.profile.distinctIps(),
                        workload.attacks.size(),
                        workload.profile.seed(),
                        produceSeconds));
        s.append(
                "- command: `bench/run"
                        + (options.quick ? " --quick" : "")
                        + " --events "
                        + options.events
                        + " --ips "
                        + options.ips
                        + (options.peers ? " --peers" : " --no-peers")
                        + (options.rulesTable ? "" : " --no-rules-table")
                        + (options.rulesTableOnly ? " --rules-table-only" : "")
                        + (options.rules != null ? " --rules " + options.rules : "")
                        + (options.compareRules != null
                                ? " --compare-rules " + options.compareRules
                                : "")
                        + (options.compareRulesOnly ? " --compare-rules-only" : "")
                        + (options.rulesTableEventsSet
                                ? " --rules-table-events " + options.rulesTableEvents
                                : "")
                        + "`; whole run "
                        + Math.round(elapsed)
                        + " s\n\n");
        return s.toString();
    }

    /**
     * The throughput table (the ceilings, then each configuration's median run) and the paragraph
     * on how the job figures were taken.
     */
    private String throughput() {
        StringBuilder s = new StringBuilder();
        s.append("### Throughput (backlog in Kafka, default rule set, alerts into Redis)\n\n");
        s.append(
                "| run | events/s | steady events/s | CPU s | events per CPU-s | CPU s in Flink"
                        + " tasks / broker / other / JIT compilers | alerts |\n");
        s.append("|---|---:|---:|---:|---:|---|---:|\n");
        for (Ceiling.Result c : ceilings) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "| ceiling: %s (1 thread, no Flink) | %,.0f | - | %.1f | %,.0f | consumer"
                                    + " thread %.1f | - |%n",
                            c.what(),
                            c.perSecond(),
                            c.processCpu(),
                            c.perProcessCpuSecond(),
                            c.threadCpu()));
        }
        for (JobRun.Result r : medians()) {
            Map<String, Double> g = r.cpuByGroup();
            s.append(
                    String.format(
                            Locale.ROOT,
                            "| %s, parallelism %d | %,.0f | %,.0f | %.1f | %,.0f%s | %.1f / %.1f /"
                                    + " %.1f / %.1f | %,d |%n",
                            isDefault(r) ? "job" : "job, threshold rules on CEP (baseline)",
                            r.parallelism(),
                            rate(r),
                            r.steadyPerSecond(),
                            r.cpuSeconds(cpuOverhead(r.parallelism())),
                            perCpu(r),
                            spread(r),
                            g.getOrDefault("flink-tasks", 0.0),
                            g.getOrDefault("kafka-broker", 0.0),
                            g.getOrDefault("other", 0.0),
                            r.jitCpu(),
                            r.alerts()));
        }
        s.append(
                String.format(
                        Locale.ROOT,
                        "%nEvery job run is submitted to one local Flink cluster (JobManager and a"
                                + " TaskManager in this JVM) started once for the bench. Job"
                                + " figures exclude the fixed cost of a job's submission, start and"
                                + " finish, measured on a 1-event topic (p1 %.1f s wall / %.1f CPU s, p2 %.1f s /"
                                + " %.1f CPU s). CPU s is the whole process (Flink, the in-process"
                                + " broker serving the reads, GC, JIT); Redis is another process."
                                + " Events per CPU-s is the per-core figure. Steady events/s is"
                                + " the rate between the moments 10%% and 90%% of the events were"
                                + " taken in (from the job's own counters, every 10 ms): the"
                                + " running job without its start and finish. Each job row is the"
                                + " median of %d runs by events per CPU-s (the range of all runs"
                                + " in brackets), the configurations interleaved. Every job run"
                                + " follows the warm-up rounds, yet the JIT compilers (C1, C2; CPU"
                                + " from /proc) are still at work on Flink's and Kafka's code"
                                + " during a run of seconds; a long-running job has that behind"
                                + " it.%n%n",
                        wallOverhead(1),
                        cpuOverhead(1),
                        wallOverhead(2),
                        cpuOverhead(2),
                        options.repeats));
        return s.toString();
    }

    /** CPU seconds by Flink task of the default job at p1 and p2, and of the CEP baseline. */
    private String cpuByTask() {
        StringBuilder s = new StringBuilder();
        for (int p = 1; p <= 2; p++) {
            JobRun.Result tasksOf = find(p);
            if (tasksOf != null && !tasksOf.cpuByTask().isEmpty()) {
                s.append("CPU seconds by Flink task (all subtasks), job at parallelism ")
                        .append(p)
                        .append(": ")
                        .append(byTask(tasksOf.cpuByTask()))
                        .append(".\n\n");
            }
        }
        JobRun.Result cepTasks = find(1, ThresholdOperator.CEP);
        if (cepTasks != null && !cepTasks.cpuByTask().isEmpty()) {
            s.append("The same with threshold rules on CEP: ")
                    .append(byTask(cepTasks.cpuByTask()))
                    .append(".\n\n");
        }
        return s.toString();
    }

    /**
     * The median runs against their baselines: CEP, the ceilings, p1 for p2 (with the bound the
     * cores put on scaling), and the peers.
     */
    private String ratios(int cores) {
        StringBuilder s = new StringBuilder();
        s.append("### Ratios\n\n");
        JobRun.Result p1 = find(1);
        JobRun.Result p2 = find(2);
        Ceiling.Result jackson = ceilingOf("consume+jackson");
        Ceiling.Result parse = ceilingOf("consume+parse");
        JobRun.Result cep1 = find(1, ThresholdOperator.CEP);
        if (p1 != null && cep1 != null) {
            s.append(
                    ratio(
                            "sliding count / CEP for threshold rules (job p1), events per CPU-s",
                            perCpu(p1),
                            perCpu(cep1)));
            s.append(
                    ratio(
                            "sliding count / CEP for threshold rules (job p1), events/s",
                            rate(p1),
                            rate(cep1)));
        }
        if (p1 != null && jackson != null) {
            s.append(
                    ratio(
                            "job p1 / ceiling (consume + Jackson), events per CPU-s",
                            perCpu(p1),
                            jackson.perProcessCpuSecond()));
        }
        if (p1 != null && parse != null) {
            s.append(
                    ratio(
                            "job p1 / ceiling (consume + our parser), events per CPU-s",
                            perCpu(p1),
                            parse.perProcessCpuSecond()));
        }
        if (p1 != null && p2 != null) {
            s.append(ratio("job p2 / job p1, events/s (scaling)", rate(p2), rate(p1)));
            s.append(
                    ratio(
                            "job p2 / job p1, steady events/s (scaling while running)",
                            p2.steadyPerSecond(),
                            p1.steadyPerSecond()));
            double busy1 = coresBusy(p1.processCpu(), p1.wallSeconds());
            s.append(
                    String.format(
                            Locale.ROOT,
                            "- cores busy (process CPU s / wall s): job p1 %.2f, job p2 %.2f of %d;"
                                    + " so parallelism 2 could be at most %.2f× parallelism 1"
                                    + " here%n",
                            busy1,
                            coresBusy(p2.processCpu(), p2.wallSeconds()),
                            cores,
                            scalingBound(cores, busy1)));
        }
        for (JobRun.Result r : new JobRun.Result[] {p1, p2}) {
            if (r != null && !Double.isNaN(r.jitCpu())) {
                s.append(
                        String.format(
                                Locale.ROOT,
                                "- job p%d, events per CPU-s without the JIT compilers' CPU (the"
                                        + " steady state of a long-running job): %,.0f%n",
                                r.parallelism(),
                                r.perCpuSecondCompiled(cpuOverhead(r.parallelism()))));
            }
        }
        if (p1 != null) {
            for (Peers.Result r : peers) {
                if (r.skipped() == null) {
                    s.append(
                            ratio(
                                    "ours (p1) / " + r.peer() + " " + r.what() + ", per CPU-s",
                                    perCpu(p1),
                                    r.perCpuSecond()));
                }
            }
            Fail2banPass f2b = Fail2banPass.of(peers);
            if (f2b.filters() > 0) {
                s.append(
                        ratio(
                                "ours (p1, 8 rules) / fail2ban-regex (all "
                                        + f2b.filters()
                                        + " filters, one pass each), per CPU-s",
                                perCpu(p1),
                                f2b.perCpuSecond()));
            }
        }
        s.append('\n');
        return s.toString();
    }

    /**
     * The rule-count table: each rule set's median run, its ratio to the shipped set's, and the
     * target of issue 12 with whether this run meets it.
     */
    private String ruleCountTable() {
        StringBuilder s = new StringBuilder();
        int shipped = shippedRules();
        JobRun.Result first = ruleCountRuns.get(shipped).get(0);
        s.append(
                String.format(
                        Locale.ROOT,
                        "### Rule count (backtest of %,d events, parallelism %d, the shipped rules"
                                + " copied with new ids)%n%n",
                        first.events(),
                        first.parallelism()));
        s.append(
                "| rules | events/s | events per CPU-s | × shipped, per CPU-s | × shipped, events/s"
                        + " | whole run: events per CPU-s (× shipped) | CPU s | fixed cost: wall s"
                        + " / CPU s | alerts |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---|---:|\n");
        for (int rules : new TreeSet<>(ruleCountRuns.keySet())) {
            JobRun.Result r = ruleCountMedian(rules);
            JobRun.Result o = ruleCountOverhead.get(rules);
            List<JobRun.Result> runs = ruleCountRuns.get(rules);
            s.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %,.0f | %,.0f%s | %.2f× | %.2f× | %,.0f (%.2f×) | %.1f | %s |"
                                    + " %,d |%n",
                            rules == shipped
                                    ? rules + " (shipped)"
                                    : rules + " (" + copyRounds(rules, shipped) + ")",
                            ruleCountRate(rules, r),
                            ruleCountPerCpu(rules, r),
                            range(
                                    runs.stream()
                                            .mapToDouble(x -> ruleCountPerCpu(rules, x))
                                            .toArray()),
                            ruleCountTimesShipped(rules),
                            ruleCountRateTimesShipped(rules),
                            r.perCpuSecond(0),
                            ruleCountWholeRunTimesShipped(rules),
                            r.cpuSeconds(o == null ? 0 : o.processCpu()),
                            o == null
                                    ? "-"
                                    : String.format(
                                            Locale.ROOT,
                                            "%.1f / %.1f",
                                            o.wallSeconds(),
                                            o.processCpu()),
                            r.alerts()));
        }
        double times = ruleCountTimesShipped(RULE_COUNT_TARGET_RULES);
        double whole = ruleCountWholeRunTimesShipped(RULE_COUNT_TARGET_RULES);
        s.append(
                String.format(
                        Locale.ROOT,
                        "%nTarget (issue 12): %d rules at ≥ %.2f× the shipped set's events per"
                                + " CPU-s in the same run: %s.%n",
                        RULE_COUNT_TARGET_RULES,
                        RULE_COUNT_TARGET,
                        Double.isNaN(times)
                                ? "not measured in this run"
                                : String.format(
                                        Locale.ROOT,
                                        "**%.2f×, %s** (fixed cost taken off); whole runs,"
                                                + " start and finish included: %.2f×, %s",
                                        times,
                                        ruleCountTargetMet(times) ? "met" : "not met",
                                        whole,
                                        ruleCountTargetMet(whole) ? "met" : "not met")));
        s.append(
                String.format(
                        Locale.ROOT,
                        "%nEach row is the real job (`AlertJob.build`, `kafka.bounded=true`,"
                                + " alerts into Redis) reading the same %,d events from Kafka,"
                                + " with the shipped rules and copies of them under new ids"
                                + " (`<id>-copy-N`, same conditions, literals, kind and"
                                + " fingerprint), built in memory. The fixed cost of a job with"
                                + " that many rules (a run over a 1-event topic) is taken off"
                                + " its events/s and CPU s, as in the throughput table; the whole"
                                + " run column leaves it in (what a backtest of this length"
                                + " costs). %s Alerts grow with the copies: each copy alerts"
                                + " as its original.%n%n",
                        first.events(),
                        ruleCountRuns.get(shipped).size() == 1
                                ? "Each row is one run (--repeats 1)."
                                : "Each row is the median of "
                                        + ruleCountRuns.get(shipped).size()
                                        + " runs by events per CPU-s (the range of all runs in"
                                        + " brackets), the rule sets interleaved."));
        return s.toString();
    }

    /**
     * The rule-set comparison: each set's median run side by side, its ratio to the first (old)
     * set's, and the target of issue 13 with whether this run meets it.
     */
    private String ruleSetTable() {
        StringBuilder s = new StringBuilder();
        String base = baselineRuleSet();
        JobRun.Result first = ruleSetRuns.get(base).get(0);
        s.append(
                String.format(
                        Locale.ROOT,
                        "### Rule sets side by side (backtest of %,d events, parallelism %d)%n%n",
                        first.events(),
                        first.parallelism()));
        s.append(
                "| rule set | rules | events/s | events per CPU-s | × old, per CPU-s | × old,"
                        + " events/s | CPU s | fixed cost: wall s / CPU s | alerts |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---|---:|\n");
        for (var e : ruleSetRuns.entrySet()) {
            String set = e.getKey();
            JobRun.Result r = ruleSetMedian(set);
            JobRun.Result o = ruleSetOverhead.get(set);
            s.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %d | %,.0f | %,.0f%s | %.2f× | %.2f× | %.1f | %s | %,d |%n",
                            set,
                            ruleSetSizes.get(set),
                            ruleSetRate(set, r),
                            ruleSetPerCpu(set, r),
                            range(
                                    e.getValue().stream()
                                            .mapToDouble(x -> ruleSetPerCpu(set, x))
                                            .toArray()),
                            ruleSetTimesBaseline(set),
                            ruleSetRateTimesBaseline(set),
                            r.cpuSeconds(o == null ? 0 : o.processCpu()),
                            o == null
                                    ? "-"
                                    : String.format(
                                            Locale.ROOT,
                                            "%.1f / %.1f",
                                            o.wallSeconds(),
                                            o.processCpu()),
                            r.alerts()));
        }
        for (var e : ruleSetRuns.entrySet()) {
            JobRun.Result r = ruleSetMedian(e.getKey());
            if (!r.cpuByTask().isEmpty()) {
                s.append(
                        String.format(
                                Locale.ROOT,
                                "%nCPU µs per event by Flink task, %s: %s.%n",
                                e.getKey(),
                                perEventByTask(r.cpuByTask(), r.events())));
            }
        }
        for (String set : ruleSetRuns.keySet()) {
            if (set.equals(base)) {
                continue;
            }
            double times = ruleSetTimesBaseline(set);
            s.append(
                    String.format(
                            Locale.ROOT,
                            "%nTarget (issue 13): %s at ≥ %.2f× the events per CPU-s of %s in the"
                                    + " same run: %s.%n",
                            set,
                            RULE_SET_TARGET,
                            base,
                            Double.isNaN(times)
                                    ? "not measured in this run"
                                    : String.format(
                                            Locale.ROOT,
                                            "**%.2f×, %s**",
                                            times,
                                            ruleSetTargetMet(times) ? "met" : "not met")));
        }
        int runs = ruleSetRuns.get(base).size();
        s.append(
                String.format(
                        Locale.ROOT,
                        "%nEach row is the real job (`AlertJob.build`, `kafka.bounded=true`,"
                                + " alerts into Redis) reading the same %,d events from Kafka with"
                                + " the rules of one directory; the fixed cost of a job with those"
                                + " rules (a run over a 1-event topic) is taken off, as in the"
                                + " throughput table. %s%n%n",
                        first.events(),
                        runs == 1
                                ? "Each row is one run (--repeats 1)."
                                : "Each row is the median of "
                                        + runs
                                        + " runs by events per CPU-s (the range of all runs in"
                                        + " brackets), the rule sets interleaved."));
        return s.toString();
    }

    /** "shipped + N copies" for a set of {@code rules} made from {@code shipped} rules. */
    static String copyRounds(int rules, int shipped) {
        int copies = rules / shipped - 1;
        int rest = rules % shipped;
        return "shipped + "
                + copies
                + (copies == 1 ? " copy" : " copies")
                + (rest > 0 ? " + " + rest + " more" : "");
    }

    /** The alert latency at each load level, with the cores busy by thread group. */
    private String latencyLevels() {
        StringBuilder s = new StringBuilder();
        s.append(
                String.format(
                        Locale.ROOT,
                        "### Alert latency (streaming job, parallelism %d; append to Kafka →"
                                + " alert in Redis)%n%n",
                        latency.parallelism()));
        s.append(
                String.format(
                        Locale.ROOT,
                        "Watermark delay (configured out-of-orderness): %d ms; an alert"
                                + " waits for it by design (event time = wall time here).%n%n",
                        latency.outOfOrdernessMs()));
        s.append(
                "| load | target events/s | sent events/s | alerts | p50 ms | p99 ms | GC ms"
                        + " | cores busy: all (job tasks / broker / bench and rest) |\n");
        s.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (LatencyRun.Level l : latency.levels()) {
            CoresBusy busy = CoresBusy.of(l);
            s.append(
                    String.format(
                            Locale.ROOT,
                            "| %s of top rate | %,.0f | %,.0f | %d | %d | %d | %,d | %.2f (%.2f /"
                                    + " %.2f / %.2f) |%n",
                            l.name(),
                            l.rate(),
                            l.sentPerSecond(),
                            l.latencies().size(),
                            l.percentile(0.5),
                            l.percentile(0.99),
                            l.gcMillis(),
                            busy.all(),
                            busy.tasks(),
                            busy.broker(),
                            busy.rest()));
        }
        s.append(
                String.format(
                        Locale.ROOT,
                        "%nEach level's lines are generated and encoded before it starts;"
                                + " while it runs, the Kafka producer, the broker and the job"
                                + " share this machine's cores (cores busy: process CPU"
                                + " seconds per second; the rest includes the producer, GC"
                                + " and JIT); GC ms is the JVM's collection time during"
                                + " the level (the bench, broker and job are one JVM)."
                                + " Alerts completed by a line the harness did not expect to"
                                + " match a rule (not measured): %d.%n",
                        latency.alertsWithoutAppend()));
        return s.toString();
    }

    /** The checkpointed state before, at the peak of and after the streaming run's traffic. */
    private String state() {
        StringBuilder s = new StringBuilder();
        s.append("\n### State (heap state backend, checkpoint of the streaming run)\n\n");
        s.append("| when | checkpoint bytes | checkpoint ms | JVM heap used after GC |\n");
        s.append("|---|---:|---:|---:|\n");
        for (LatencyRun.StateSample st : latency.state()) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %,d | %d | %,d MB |%n",
                            st.when(),
                            st.stateBytes(),
                            st.durationMs(),
                            mebibytes(st.heapBytes())));
        }
        s.append(
                String.format(
                        Locale.ROOT,
                        "%nActive keys at the end of the 80%% phase (keys with a relevant"
                                + " event within the rule's window): %,d in all, %s. State"
                                + " per active key and rule: %,.0f bytes ((checkpoint at"
                                + " peak - before traffic) / active keys). After the keys go"
                                + " quiet: %,d bytes vs %,d before traffic.%n%n",
                        latency.activeKeys(),
                        latency.activeKeysByRule(),
                        latency.bytesPerActiveKey(),
                        latency.state().get(2).stateBytes(),
                        latency.state().get(0).stateBytes()));
        return s.toString();
    }

    /** Each peer's run on the identical events; a skipped peer keeps its row with the reason. */
    private String peerTable() {
        StringBuilder s = new StringBuilder();
        s.append("### Peers (identical events)\n\n");
        s.append("| peer | what | lines | wall s | CPU s | lines per CPU-s |\n");
        s.append("|---|---|---:|---:|---:|---:|\n");
        for (Peers.Result r : peers) {
            if (r.skipped() != null) {
                s.append("| ")
                        .append(r.peer())
                        .append(" | skipped: ")
                        .append(r.skipped().replace('|', '/').replace('\n', ' '))
                        .append(" | | | | |\n");
            } else {
                s.append(
                        String.format(
                                Locale.ROOT,
                                "| %s | %s | %,d | %.1f | %.1f | %,.0f |%n",
                                r.peer(),
                                r.what(),
                                r.lines(),
                                r.wallSeconds(),
                                r.cpuSeconds(),
                                r.perCpuSecond()));
            }
        }
        return s.toString();
    }

    private String notes() {
        StringBuilder s = new StringBuilder();
        for (String n : notes) {
            s.append("- ").append(n).append('\n');
        }
        return s.toString();
    }

    private String detection() {
        List<String> all = BenchMain.clientAttackers(workload.attacks);
        StringBuilder s = new StringBuilder("### Which attacker IPs each tool flags\n\n");
        s.append(
                String.format(
                        Locale.ROOT,
                        "- ours (p1, all %d events): %d of %d attacker IPs flagged, %d other IPs"
                                + " flagged%n",
                        workload.size(),
                        intersect(ourFlagged, all),
                        all.size(),
                        ourFlagged.size() - intersect(ourFlagged, all)));
        for (Peers.Result r : peers) {
            if (r.skipped() != null || r.flagged().isEmpty() && !r.peer().equals("crowdsec")) {
                continue;
            }
            List<String> truth =
                    r.peer().equals("crowdsec") ? BenchMain.clientAttackers(crowdsecTruth) : all;
            s.append(
                    String.format(
                            Locale.ROOT,
                            "- %s (%,d lines%s): %d of %d attacker IPs flagged, %d other IPs"
                                    + " flagged; ours flags %d of those %d%n",
                            r.peer(),
                            r.lines(),
                            r.peer().equals("crowdsec")
                                    ? ": every attack line plus a sample of the rest"
                                    : "",
                            intersect(r.flagged(), truth),
                            truth.size(),
                            r.flagged().size() - intersect(r.flagged(), truth),
                            intersect(ourFlagged, truth),
                            truth.size()));
        }
        return s.toString();
    }

    /** How many of {@code truth} are among {@code flagged}. */
    static int intersect(Set<String> flagged, List<String> truth) {
        Set<String> t = new TreeSet<>(truth);
        t.retainAll(flagged);
        return t.size();
    }

    /** The default job's median run at parallelism {@code p}. */
    private JobRun.Result find(int p) {
        return find(p, ThresholdOperator.GROUPED);
    }

    /** The median run (by events per CPU-s) of a configuration, or null when it did not run. */
    private JobRun.Result find(int p, ThresholdOperator thresholds) {
        List<JobRun.Result> runs = runsOf(p, thresholds);
        if (runs.isEmpty()) {
            return null;
        }
        return median(runs, this::perCpu);
    }

    /**
     * The median of {@code items} by {@code key}: the middle one of an odd count, the lower of the
     * two middle ones of an even count (a run that happened, not an average of two). Null when
     * empty; {@code items} is left as it was.
     */
    static <T> T median(List<T> items, ToDoubleFunction<T> key) {
        if (items.isEmpty()) {
            return null;
        }
        List<T> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparingDouble(key));
        return sorted.get((sorted.size() - 1) / 2);
    }

    private List<JobRun.Result> runsOf(int p, ThresholdOperator thresholds) {
        List<JobRun.Result> runs = new ArrayList<>();
        for (JobRun.Result j : jobs) {
            if (j.parallelism() == p && j.thresholds() == thresholds) {
                runs.add(j);
            }
        }
        return runs;
    }

    /** Each configuration's median run, in the order the configurations first ran. */
    private List<JobRun.Result> medians() {
        List<JobRun.Result> out = new ArrayList<>();
        for (JobRun.Result j : jobs) {
            JobRun.Result m = find(j.parallelism(), j.thresholds());
            if (!out.contains(m)) {
                out.add(m);
            }
        }
        return out;
    }

    /** " (min–max)" of events per CPU-s over the configuration's runs; empty for one run. */
    private String spread(JobRun.Result r) {
        List<JobRun.Result> runs = runsOf(r.parallelism(), r.thresholds());
        if (runs.size() < 2) {
            return "";
        }
        return range(runs.stream().mapToDouble(this::perCpu).toArray());
    }

    /** " (min–max)" of the figures, rounded to whole numbers; empty for fewer than two. */
    static String range(double... figures) {
        if (figures.length < 2) {
            return "";
        }
        double min = Arrays.stream(figures).min().orElseThrow();
        double max = Arrays.stream(figures).max().orElseThrow();
        return String.format(Locale.ROOT, " (%,.0f–%,.0f)", min, max);
    }

    private static boolean isDefault(JobRun.Result r) {
        return r.thresholds() == ThresholdOperator.GROUPED;
    }

    private Ceiling.Result ceilingOf(String what) {
        return ceilings.stream().filter(c -> c.what().equals(what)).findFirst().orElse(null);
    }

    /**
     * The tasks with their CPU microseconds per event, largest first, under short names ({@code
     * Rules by clientip}, not the list of its rules): where two rule sets' costs differ.
     */
    static String perEventByTask(Map<String, Double> cpuByTask, long events) {
        Map<String, Double> merged = new java.util.LinkedHashMap<>();
        cpuByTask.forEach((task, cpu) -> merged.merge(shortTaskName(task), cpu, Double::sum));
        List<Map.Entry<String, Double>> tasks = new ArrayList<>(merged.entrySet());
        tasks.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        StringBuilder t = new StringBuilder();
        for (Map.Entry<String, Double> e : tasks) {
            double micros = e.getValue() * 1e6 / Math.max(1, events);
            if (micros < 0.05) {
                continue;
            }
            if (t.length() > 0) {
                t.append("; ");
            }
            t.append(String.format(Locale.ROOT, "%s %.2f", e.getKey(), micros));
        }
        return t.toString();
    }

    /** {@code Rules by clientip: a, b, c} → {@code Rules by clientip}; other names as they are. */
    static String shortTaskName(String task) {
        int colon = task.indexOf(": ");
        return task.startsWith("Rules by ") && colon > 0 ? task.substring(0, colon) : task;
    }

    /** The tasks with their CPU seconds, largest first, the small ones summed. */
    static String byTask(Map<String, Double> cpuByTask) {
        List<Map.Entry<String, Double>> tasks = new ArrayList<>(cpuByTask.entrySet());
        tasks.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        StringBuilder t = new StringBuilder();
        double rest = 0;
        for (Map.Entry<String, Double> e : tasks) {
            if (e.getValue() < 0.2) {
                rest += e.getValue();
                continue;
            }
            if (t.length() > 0) {
                t.append("; ");
            }
            t.append(String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()));
        }
        if (rest > 0) {
            t.append(String.format(Locale.ROOT, "; others %.1f", rest));
        }
        return t.toString();
    }

    /** A line of the ratios section: {@code a / b} in bold, then both figures. */
    static String ratio(String what, double a, double b) {
        return String.format(
                Locale.ROOT, "- %s: **%.2f×** (%,.0f / %,.0f)%n", what, times(a, b), a, b);
    }

    /** {@code measured} as a multiple of {@code baseline}. */
    static double times(double measured, double baseline) {
        return measured / baseline;
    }

    /** Cores busy on average: CPU seconds per wall second. */
    static double coresBusy(double cpuSeconds, double wallSeconds) {
        return cpuSeconds / wallSeconds;
    }

    /**
     * The most parallelism 2 can gain over parallelism 1 on {@code cores} cores when parallelism 1
     * already keeps {@code coresBusyAtP1} of them busy: it can at most add what p1 leaves idle.
     */
    static double scalingBound(int cores, double coresBusyAtP1) {
        return cores / coresBusyAtP1;
    }

    /** Whole mebibytes, rounded down. */
    static long mebibytes(long bytes) {
        return bytes >> 20;
    }

    /**
     * One pass of fail2ban-regex per filter over the same lines, taken as one tool: the lines of a
     * pass over the CPU seconds of all of them.
     */
    record Fail2banPass(int filters, long lines, double cpuSeconds) {
        static Fail2banPass of(List<Peers.Result> peers) {
            double cpu = 0;
            long lines = 0;
            int filters = 0;
            for (Peers.Result r : peers) {
                if (r.skipped() == null && r.peer().equals("fail2ban-regex")) {
                    cpu += r.cpuSeconds();
                    lines = r.lines();
                    filters++;
                }
            }
            return new Fail2banPass(filters, lines, cpu);
        }

        double perCpuSecond() {
            return lines / cpuSeconds;
        }
    }

    /**
     * Cores busy during a latency level: the whole process, and split into the job's tasks, the
     * broker and the rest (the bench's producer, GC, JIT).
     */
    record CoresBusy(double all, double tasks, double broker, double rest) {
        static CoresBusy of(LatencyRun.Level l) {
            double tasks = l.cpuByGroup().getOrDefault("flink-tasks", 0.0);
            double broker = l.cpuByGroup().getOrDefault("kafka-broker", 0.0);
            return new CoresBusy(
                    coresBusy(l.processCpu(), l.seconds()),
                    coresBusy(tasks, l.seconds()),
                    coresBusy(broker, l.seconds()),
                    coresBusy(l.processCpu() - tasks - broker, l.seconds()));
        }
    }

    static boolean exists(String path) {
        return Files.exists(Path.of(path));
    }
}
