package io.nginxalerts.bench;

import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.rules.ThresholdOperator;
import io.nginxalerts.testing.LocalKafka;
import io.nginxalerts.testing.LocalRedis;
import io.nginxalerts.traffic.Attack;
import io.nginxalerts.traffic.LineFormat;
import io.nginxalerts.traffic.TrafficProfile;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import redis.clients.jedis.Jedis;

/**
 * The whole benchmark in one command: generated traffic into an in-process Kafka, the ceiling
 * (consume + parse, no Flink), the job at parallelism 1 and 2 (and the CEP-only form for the
 * before/after ratio), alert latency and state on a streaming run, and the peers; then one table.
 *
 * <pre>
 * bench/run [--events N] [--ips 5k|100k|1M] [--peers|--no-peers] [--quick] [--out FILE]
 * </pre>
 *
 * Exits 0 when every part ran and the job produced alerts; never judges speed.
 */
public final class BenchMain {
    private BenchMain() {}

    static final class Options {
        int events = 1_000_000;
        int ips = 100_000;
        boolean peers = true;
        boolean quick;
        String rules;
        String compareRules;
        boolean compareRulesOnly;
        Path out;
        Path work = Path.of("bench/target/bench-work");
        Path peersDir = Path.of("bench/peers");
        int crowdsecLines = 20_000;
        int fail2banLines = 0;
        double latencySeconds = 20;
        int latencyParallelism = 2;
        int repeats = 3;
        int warmups = 2;
        LineFormat format = LineFormat.NGINX_JSON;
        double latencyTopRate;
        boolean repeatsSet;
        boolean warmupsSet;
        boolean rulesTable = true;
        boolean rulesTableOnly;
        int rulesTableEvents = 200_000;
        boolean rulesTableEventsSet;

        static Options parse(String[] args) {
            Options o = new Options();
            boolean eventsSet = false;
            boolean peersSet = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--events" -> {
                        o.events = (int) count(args[++i]);
                        eventsSet = true;
                    }
                    case "--ips" -> o.ips = (int) count(args[++i]);
                    case "--peers" -> {
                        o.peers = true;
                        peersSet = true;
                    }
                    case "--no-peers" -> {
                        o.peers = false;
                        peersSet = true;
                    }
                    case "--quick" -> o.quick = true;
                    case "--format" -> o.format = format(args[++i]);
                    case "--rules" -> o.rules = args[++i];
                    case "--compare-rules" -> o.compareRules = args[++i];
                    case "--compare-rules-only" -> o.compareRulesOnly = true;
                    case "--out" -> o.out = Path.of(args[++i]);
                    case "--work" -> o.work = Path.of(args[++i]);
                    case "--peers-dir" -> o.peersDir = Path.of(args[++i]);
                    case "--crowdsec-lines" -> o.crowdsecLines = (int) count(args[++i]);
                    case "--fail2ban-lines" -> o.fail2banLines = (int) count(args[++i]);
                    case "--latency-seconds" -> o.latencySeconds = Double.parseDouble(args[++i]);
                    case "--latency-top-rate" -> o.latencyTopRate = count(args[++i]);
                    case "--warmups" -> {
                        o.warmups = Integer.parseInt(args[++i]);
                        o.warmupsSet = true;
                    }
                    case "--repeats" -> {
                        o.repeats = Integer.parseInt(args[++i]);
                        o.repeatsSet = true;
                    }
                    case "--no-rules-table" -> o.rulesTable = false;
                    case "--rules-table-only" -> o.rulesTableOnly = true;
                    case "--rules-table-events" -> {
                        o.rulesTableEvents = (int) count(args[++i]);
                        o.rulesTableEventsSet = true;
                    }
                    case "--latency-parallelism" ->
                            o.latencyParallelism = Integer.parseInt(args[++i]);
                    case "-h", "--help" -> throw new IllegalArgumentException("help");
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (o.quick) {
                if (!eventsSet) {
                    o.events = 100_000;
                }
                if (!peersSet) {
                    o.peers = false;
                }
                o.latencySeconds = Math.min(o.latencySeconds, 5);
                if (!o.repeatsSet) {
                    o.repeats = 1;
                }
                if (!o.warmupsSet) {
                    o.warmups = 1;
                }
            }
            if (o.quick && !o.rulesTableEventsSet) {
                o.rulesTableEvents = 50_000;
            }
            if (o.compareRulesOnly) {
                if (o.compareRules == null) {
                    throw new IllegalArgumentException(
                            "--compare-rules-only needs --compare-rules DIR");
                }
                if (o.rulesTableOnly) {
                    throw new IllegalArgumentException(
                            "--compare-rules-only and --rules-table-only contradict each other");
                }
                o.rulesTable = false;
            }
            if (o.rulesTableOnly) {
                if (!o.rulesTable) {
                    throw new IllegalArgumentException(
                            "--rules-table-only and --no-rules-table contradict each other");
                }
                // Only the table's events are needed, and no peers.
                if (!eventsSet) {
                    o.events = o.rulesTableEvents;
                }
                o.peers = false;
            }
            if (o.rulesTableEvents < 1) {
                throw new IllegalArgumentException("--rules-table-events must be at least 1");
            }
            if (o.repeats < 1) {
                throw new IllegalArgumentException("--repeats must be at least 1");
            }
            if (o.warmups < 0) {
                throw new IllegalArgumentException("--warmups must not be negative");
            }
            if (o.fail2banLines <= 0) {
                o.fail2banLines = Math.min(o.events, 200_000);
            }
            return o;
        }

        static LineFormat format(String s) {
            return switch (s) {
                case "nginx" -> LineFormat.NGINX_JSON;
                case "logstash" -> LineFormat.LOGSTASH_JSON;
                default ->
                        throw new IllegalArgumentException(
                                "--format must be nginx or logstash, not " + s);
            };
        }

        static long count(String s) {
            String t = s.strip().toLowerCase(java.util.Locale.ROOT).replace("_", "");
            long m = 1;
            if (t.endsWith("k")) {
                m = 1_000;
                t = t.substring(0, t.length() - 1);
            } else if (t.endsWith("m")) {
                m = 1_000_000;
                t = t.substring(0, t.length() - 1);
            }
            return Math.round(Double.parseDouble(t) * m);
        }
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(
                    (e.getMessage().equals("help") ? "" : "bench: " + e.getMessage() + "\n")
                            + "usage: bench/run [--events N] [--ips 5k|100k|1M] [--peers|--no-peers]"
                            + " [--quick] [--format nginx|logstash] [--rules DIR] [--out FILE]"
                            + " [--compare-rules DIR [--compare-rules-only]]"
                            + " [--crowdsec-lines N] [--fail2ban-lines N] [--latency-seconds S]"
                            + " [--latency-top-rate N] [--warmups N] [--repeats N]"
                            + " [--no-rules-table | --rules-table-only] [--rules-table-events N]");
            System.exit(2);
            return;
        }
        int status = run(o, System.out, System.err);
        System.exit(status);
    }

    static int run(Options o, PrintStream out, PrintStream err) throws Exception {
        long started = System.nanoTime();
        o.work = Files.createDirectories(o.work).toAbsolutePath();
        o.peersDir = o.peersDir.toAbsolutePath();
        Report report = new Report(o);
        err.printf("bench: generating %,d events over %,d client IPs...%n", o.events, o.ips);
        Workload w = Workload.generate(TrafficProfile.bench(o.ips), o.format, o.events);
        report.workload(w);
        boolean ok = true;
        try (LocalKafka kafka = LocalKafka.start();
                LocalRedis redis = LocalRedis.start();
                BenchCluster cluster = BenchCluster.start(2)) {
            String bootstrap = kafka.bootstrapServers();
            kafka.createTopic("nginx", 2);
            kafka.createTopic("nginx-dlq", 1);
            kafka.createTopic("calibration", 2);
            kafka.createTopic("warmup", 2);
            err.println("bench: appending the events to Kafka...");
            long t0 = System.nanoTime();
            BenchKafkaClients.produceAll(bootstrap, "nginx", 2, w.json);
            report.produced((System.nanoTime() - t0) / 1e9);
            BenchKafkaClients.produceAll(bootstrap, "calibration", 2, new byte[][] {w.json[0]});
            int warm = Math.min(o.events, o.quick ? 20_000 : 100_000);
            BenchKafkaClients.produceAll(
                    bootstrap, "warmup", 2, java.util.Arrays.copyOf(w.json, warm));

            boolean everything = !o.rulesTableOnly && !o.compareRulesOnly;
            if (everything) {
                err.println("bench: ceiling (consume + parse, no Flink)...");
                for (String what : List.of("consume", "consume+jackson", "consume+parse")) {
                    report.ceiling(Ceiling.run(what, bootstrap, "nginx", 2, o.events));
                }
                // The same events as nginx combined text: the built-in combined parser, and the
                // same lines through a compiled custom log_format (--input.log-format).
                kafka.createTopic("nginx-combined", 2);
                BenchKafkaClients.produceAll(
                        bootstrap, "nginx-combined", 2, w.encoded(LineFormat.COMBINED));
                for (String what : List.of("consume+parse combined", "consume+parse log_format")) {
                    report.ceiling(Ceiling.run(what, bootstrap, "nginx-combined", 2, o.events));
                }

                err.println("bench: warming up and measuring the job's fixed start/stop cost...");
                // Warm-up rounds of full passes at both parallelisms, then the CEP configuration,
                // each reported as it ends: the JIT compiles for tens of seconds of CPU before the
                // job
                // reaches steady state, and the measured runs are to show the job, not the
                // compiler.
                String warmTopic = o.quick ? "warmup" : "nginx";
                long warmEvents = o.quick ? warm : o.events;
                for (int round = 1; round <= o.warmups; round++) {
                    for (int p : new int[] {1, 2}) {
                        err.println(
                                report.progressLine(
                                        JobRun.run(
                                                cluster,
                                                "warmup " + round,
                                                kafka,
                                                redis,
                                                warmTopic,
                                                warmEvents,
                                                p,
                                                o.rules,
                                                ThresholdOperator.GROUPED)));
                    }
                }
                if (!o.quick) {
                    err.println(
                            report.progressLine(
                                    JobRun.run(
                                            cluster,
                                            "warmup-cep",
                                            kafka,
                                            redis,
                                            "warmup",
                                            warm,
                                            1,
                                            o.rules,
                                            ThresholdOperator.CEP)));
                }
                for (int p : new int[] {1, 2}) {
                    report.overhead(
                            p,
                            JobRun.run(
                                    cluster,
                                    "calibration",
                                    kafka,
                                    redis,
                                    "calibration",
                                    1,
                                    p,
                                    o.rules,
                                    ThresholdOperator.GROUPED));
                }
                // Each configuration runs --repeats times, interleaved, so that a drift of the
                // machine (other load, the JIT still settling) affects all of them alike; the
                // report
                // takes the median run of each and shows the spread.
                for (int rep = 1; rep <= o.repeats; rep++) {
                    for (int p : new int[] {1, 2}) {
                        err.printf(
                                "bench: the job, parallelism %d (run %d of %d)...%n",
                                p, rep, o.repeats);
                        JobRun.Result r =
                                JobRun.run(
                                        cluster,
                                        "job",
                                        kafka,
                                        redis,
                                        "nginx",
                                        o.events,
                                        p,
                                        o.rules,
                                        ThresholdOperator.GROUPED);
                        report.job(r);
                        err.println(report.progressLine(r));
                        ok &= r.allDelivered();
                        if (p == 1 && rep == 1) {
                            report.ourFlagged(flagged(redis, r));
                        }
                    }
                    // The baseline for the sliding count: threshold rules on their CEP patterns.
                    err.printf(
                            "bench: the job with threshold rules on CEP, parallelism 1 (run %d of"
                                    + " %d)...%n",
                            rep, o.repeats);
                    JobRun.Result cep =
                            JobRun.run(
                                    cluster,
                                    "job-cep",
                                    kafka,
                                    redis,
                                    "nginx",
                                    o.events,
                                    1,
                                    o.rules,
                                    ThresholdOperator.CEP);
                    report.job(cep);
                    err.println(report.progressLine(cep));
                    ok &= cep.allDelivered();
                }
            }
            if (o.rulesTable) {
                ok &= ruleCountTable(o, report, cluster, kafka, redis, w, err);
            }
            if (o.compareRules != null) {
                ok &= ruleSetComparison(o, report, cluster, kafka, redis, err);
            }
            if (everything) {
                if (o.latencyTopRate > 0) {
                    report.note(
                            String.format(
                                    Locale.ROOT,
                                    "latency levels are fractions of %,.0f events/s given with"
                                            + " --latency-top-rate, not of the measured top rate",
                                    o.latencyTopRate));
                }
                err.printf(
                        "bench: latency and state (%.0f s per load level, parallelism %d)...%n",
                        o.latencySeconds, o.latencyParallelism);
                LatencyRun.Result lat =
                        LatencyRun.run(
                                kafka,
                                redis,
                                o.rules,
                                o.latencyTopRate > 0
                                        ? o.latencyTopRate
                                        : report.topRate(o.latencyParallelism),
                                Math.min(o.ips, 100_000),
                                o.latencySeconds,
                                o.latencyParallelism,
                                o.format,
                                o.work);
                report.latency(lat);
                ok &= lat.levels().stream().anyMatch(l -> !l.latencies().isEmpty());

                if (o.peers) {
                    err.println("bench: peers...");
                    Path combined =
                            w.write(
                                    o.work.resolve("access-combined.log"),
                                    LineFormat.COMBINED,
                                    o.fail2banLines);
                    report.peers(Peers.fail2ban(o.peersDir, combined, o.fail2banLines, o.work));
                    // CrowdSec manages a few hundred lines per CPU-second: it gets every attack
                    // line
                    // and a sample of the rest.
                    Path small = o.work.resolve("access-crowdsec.log");
                    w.writeAttacksAndSample(
                            small, LineFormat.COMBINED, Math.min(o.crowdsecLines, o.events));
                    Peers.Result cs = Peers.crowdsec(o.peersDir, small, o.work);
                    report.peers(List.of(cs));
                    report.crowdsecTruth(w.attacks);
                    report.peers(
                            List.of(
                                    Peers.python(
                                            o.peersDir,
                                            bootstrap,
                                            "nginx",
                                            o.events,
                                            redis.url(),
                                            o.work)));
                } else {
                    report.note(
                            "peers skipped (--no-peers); to include them: "
                                    + Peers.INSTALL
                                    + ", then run without --no-peers");
                }
            }
        }
        report.elapsed((System.nanoTime() - started) / 1e9);
        String table = report.render();
        out.println(table);
        if (o.out != null) {
            Files.writeString(o.out, table);
        }
        if (!ok) {
            err.println("bench: FAILED: a job run produced no alerts or lost some on the way");
            return 1;
        }
        return 0;
    }

    /** The rule counts of the rule-count table besides the shipped set's. */
    static final int[] RULE_COUNTS = {64, Report.RULE_COUNT_TARGET_RULES};

    /**
     * The rule-count table: the same backtest-style run (a bounded topic of the first {@code
     * --rules-table-events} events, parallelism 1) with the shipped rules and with 64 and 128 rules
     * made of copies of them; a warm-up run and the fixed cost of each set, then {@code --repeats}
     * interleaved runs. Returns false when a run produced no alerts or lost some.
     */
    private static boolean ruleCountTable(
            Options o,
            Report report,
            BenchCluster cluster,
            LocalKafka kafka,
            LocalRedis redis,
            Workload w,
            PrintStream err)
            throws Exception {
        int events = Math.min(o.rulesTableEvents, w.size());
        if (events < o.rulesTableEvents) {
            report.note(
                    String.format(
                            Locale.ROOT,
                            "the rule-count table ran on %,d events, all the workload has"
                                    + " (--rules-table-events %,d)",
                            events,
                            o.rulesTableEvents));
        }
        String topic = "nginx";
        if (events < w.size()) {
            topic = "rules-table";
            kafka.createTopic(topic, 2);
            BenchKafkaClients.produceAll(
                    kafka.bootstrapServers(), topic, 2, java.util.Arrays.copyOf(w.json, events));
        }
        List<Rule> shipped = JobRun.loadRules(kafka, redis, o.rules);
        java.util.Map<Integer, List<Rule>> sets = new java.util.LinkedHashMap<>();
        sets.put(shipped.size(), shipped);
        for (int n : RULE_COUNTS) {
            if (n > shipped.size()) {
                sets.put(n, RuleSets.copies(shipped, n));
            }
        }
        boolean ok = true;
        err.printf(
                "bench: rule-count table, %s rules on %,d events (warm-up, fixed cost, %d runs"
                        + " each)...%n",
                sets.keySet(), events, o.repeats);
        for (var set : sets.entrySet()) {
            String label = "rules-" + set.getKey();
            if (o.warmups > 0) {
                err.println(
                        report.ruleCountProgressLine(
                                set.getKey(),
                                JobRun.run(
                                        cluster,
                                        label + "-warmup",
                                        kafka,
                                        redis,
                                        topic,
                                        events,
                                        1,
                                        o.rules,
                                        set.getValue(),
                                        ThresholdOperator.GROUPED)));
            }
            report.ruleCountOverhead(
                    set.getKey(),
                    JobRun.run(
                            cluster,
                            label + "-calibration",
                            kafka,
                            redis,
                            "calibration",
                            1,
                            1,
                            o.rules,
                            set.getValue(),
                            ThresholdOperator.GROUPED));
        }
        for (int rep = 1; rep <= o.repeats; rep++) {
            for (var set : sets.entrySet()) {
                JobRun.Result r =
                        JobRun.run(
                                cluster,
                                "rules-" + set.getKey(),
                                kafka,
                                redis,
                                topic,
                                events,
                                1,
                                o.rules,
                                set.getValue(),
                                ThresholdOperator.GROUPED);
                report.ruleCount(set.getKey(), r);
                err.println(report.ruleCountProgressLine(set.getKey(), r));
                ok &= r.allDelivered();
            }
        }
        return ok;
    }

    /**
     * The rule-set comparison (issue 13): the same backtest-style run (all {@code --events} events,
     * parallelism 1) with the rules of {@code --rules} (the bundled rules without it) and with
     * those of {@code --compare-rules}; a warm-up run and the fixed cost of each set, then {@code
     * --repeats} interleaved runs. Returns false when a run produced no alerts or lost some.
     */
    private static boolean ruleSetComparison(
            Options o,
            Report report,
            BenchCluster cluster,
            LocalKafka kafka,
            LocalRedis redis,
            PrintStream err)
            throws Exception {
        java.util.Map<String, String> sets = new java.util.LinkedHashMap<>();
        sets.put("old: " + (o.rules == null ? "bundled rules" : o.rules), o.rules);
        sets.put("new: " + o.compareRules, o.compareRules);
        java.util.Map<String, Integer> sizes = new java.util.HashMap<>();
        int index = 0;
        java.util.Map<String, String> labels = new java.util.HashMap<>();
        for (var set : sets.entrySet()) {
            sizes.put(set.getKey(), JobRun.loadRules(kafka, redis, set.getValue()).size());
            labels.put(set.getKey(), index++ == 0 ? "rules-old" : "rules-new");
        }
        err.printf(
                "bench: rule sets side by side, %s on %,d events (warm-up, fixed cost, %d runs"
                        + " each)...%n",
                sets.keySet(), o.events, o.repeats);
        for (var set : sets.entrySet()) {
            String label = labels.get(set.getKey());
            for (int round = 1; round <= o.warmups; round++) {
                err.println(
                        report.progressLine(
                                JobRun.run(
                                        cluster,
                                        label + "-warmup",
                                        kafka,
                                        redis,
                                        "nginx",
                                        o.events,
                                        1,
                                        set.getValue(),
                                        ThresholdOperator.GROUPED)));
            }
            report.ruleSetOverhead(
                    set.getKey(),
                    JobRun.run(
                            cluster,
                            label + "-calibration",
                            kafka,
                            redis,
                            "calibration",
                            1,
                            1,
                            set.getValue(),
                            ThresholdOperator.GROUPED));
        }
        boolean ok = true;
        for (int rep = 1; rep <= o.repeats; rep++) {
            for (var set : sets.entrySet()) {
                JobRun.Result r =
                        JobRun.run(
                                cluster,
                                labels.get(set.getKey()),
                                kafka,
                                redis,
                                "nginx",
                                o.events,
                                1,
                                set.getValue(),
                                ThresholdOperator.GROUPED);
                report.ruleSet(set.getKey(), sizes.get(set.getKey()), r);
                err.println(report.ruleSetProgressLine(set.getKey(), r));
                ok &= r.allDelivered();
            }
        }
        return ok;
    }

    private static Set<String> flagged(LocalRedis redis, JobRun.Result r) {
        Set<String> ips = new TreeSet<>();
        try (Jedis jedis = new Jedis(redis.url())) {
            for (String key : jedis.keys("bench:job:p1:*")) {
                for (String json : jedis.lrange(key, 0, -1)) {
                    String ip = AlertCodec.decode(json).key().get("clientip");
                    if (ip != null) {
                        ips.add(ip);
                    }
                }
            }
        }
        return ips;
    }

    static String attackers(List<Attack> attacks) {
        return attacks.stream()
                        .filter(Attack::isClientAttack)
                        .map(Attack::key)
                        .collect(Collectors.toCollection(TreeSet::new))
                        .size()
                + "";
    }

    static List<String> clientAttackers(List<Attack> attacks) {
        return new ArrayList<>(
                attacks.stream()
                        .filter(Attack::isClientAttack)
                        .map(Attack::key)
                        .collect(Collectors.toCollection(TreeSet::new)));
    }
}
