package io.nginxalerts.bench;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.AlertCodec;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.parse.LogParser;
import io.nginxalerts.core.parse.ParseResult;
import io.nginxalerts.core.parse.ParserSettings;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.AlertJob;
import io.nginxalerts.job.JobOptions;
import io.nginxalerts.job.JobSettings;
import io.nginxalerts.testing.LocalKafka;
import io.nginxalerts.testing.LocalRedis;
import io.nginxalerts.testing.Ports;
import io.nginxalerts.traffic.GeneratedLine;
import io.nginxalerts.traffic.LineEncoder;
import io.nginxalerts.traffic.LineFormat;
import io.nginxalerts.traffic.TrafficGenerator;
import io.nginxalerts.traffic.TrafficProfile;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import redis.clients.jedis.Jedis;

/**
 * Alert latency and state, on one streaming (unbounded) run of the job: traffic is appended to
 * Kafka in real time at 25%, 50% and 80% of the measured top rate, with event time = wall time (the
 * generator's rate is set to the sending rate; each level is generated before it is sent), so the
 * watermark delay in wall time is the configured out-of-orderness. Latency is from the append of
 * the event that completed a match (the alert's key and {@code lastSeen}) to the alert's arrival in
 * Redis.
 *
 * <p>State: the size of a completed checkpoint (heap state backend) before any traffic, at the end
 * of the 80% phase (divided by the keys active per rule then), and after the keys went quiet: a few
 * events two hours later in event time move the watermark past every window and suppression span.
 */
final class LatencyRun {
    private LatencyRun() {}

    /**
     * One load level; {@code gcMillis} is the JVM's collection time during it (all collectors),
     * {@code processCpu} the process's CPU seconds, split by thread group in {@code cpuByGroup}.
     */
    record Level(
            String name,
            double rate,
            double sentPerSecond,
            long sent,
            long gcMillis,
            double seconds,
            double processCpu,
            Map<String, Double> cpuByGroup,
            List<Long> latencies) {
        long percentile(double p) {
            if (latencies.isEmpty()) {
                return -1;
            }
            List<Long> s = new ArrayList<>(latencies);
            Collections.sort(s);
            return s.get(Math.min(s.size() - 1, (int) Math.ceil(p * s.size()) - 1));
        }
    }

    record StateSample(String when, long stateBytes, long durationMs, long heapBytes) {}

    record Result(
            List<Level> levels,
            List<StateSample> state,
            Map<String, Integer> activeKeysByRule,
            long outOfOrdernessMs,
            int parallelism,
            int alertsWithoutAppend) {

        long activeKeys() {
            return activeKeysByRule.values().stream().mapToLong(Integer::longValue).sum();
        }

        double bytesPerActiveKey() {
            return (double) (state.get(1).stateBytes() - state.get(0).stateBytes())
                    / Math.max(1, activeKeys());
        }
    }

    private record Arrived(Alert alert, long arrivedMillis) {}

    static Result run(
            LocalKafka kafka,
            LocalRedis redis,
            String rulesDir,
            double topRate,
            int ips,
            double secondsPerLevel,
            int parallelism,
            LineFormat format,
            Path work)
            throws Exception {
        String topic = "latency";
        kafka.createTopic(topic, 2);
        String list = "bench:latency:" + System.nanoTime();
        Map<String, String> o = JobRun.options(kafka, redis, topic, list, rulesDir);
        // The quiet phase jumps event time two hours ahead of the wall clock.
        o.put(JobOptions.MAX_FUTURE_SKEW.key(), "1 d");
        JobSettings settings = JobSettings.from(o, true);
        List<Rule> rules = settings.loadRules();

        int restPort = Ports.free();
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, restPort);
        conf.setString("execution.checkpointing.storage", "filesystem");
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                Files.createDirectories(work.resolve("checkpoints")).toUri().toString());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        env.setParallelism(parallelism);
        // As flink-conf/config.yaml (execution.checkpointing.interval): latency is measured with
        // the checkpoint load of the shipped configuration, not a heavier one.
        env.enableCheckpointing(10_000);
        AlertJob.build(env, settings, rules);
        JobClient job = env.executeAsync("nginx-alerts bench latency");
        Checkpoints checkpoints = new Checkpoints(restPort, job.getJobID().toString());
        List<StateSample> state = new ArrayList<>();
        try {
            state.add(sample("before traffic", checkpoints));

            ConcurrentLinkedQueue<Arrived> arrived = new ConcurrentLinkedQueue<>();
            Thread collector = collector(redis, list, arrived);
            Map<String, Long> appended = new HashMap<>();
            List<Level> levels = new ArrayList<>();
            List<long[]> windows = new ArrayList<>();
            List<byte[]> peakLines = new ArrayList<>();
            double[] fractions = {0.25, 0.5, 0.8};
            double tailRate = Math.max(100, topRate * 0.05);
            long maxTs = Long.MIN_VALUE;
            try (KafkaProducer<byte[], byte[]> producer =
                    BenchKafkaClients.producer(kafka.bootstrapServers())) {
                for (int i = 0; i < fractions.length; i++) {
                    double rate = topRate * fractions[i];
                    Scheduled scheduled =
                            planAhead(
                                    ips,
                                    rate,
                                    secondsPerLevel,
                                    100 + i,
                                    tailRate,
                                    settings.time().maxOutOfOrderness().toSeconds() + 3,
                                    format);
                    Planned planned = scheduled.level();
                    long wait = planned.start() - System.currentTimeMillis();
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                    long gc0 = gcMillis();
                    Cpu cpu = Cpu.measure();
                    long start = System.currentTimeMillis();
                    long sent = send(producer, topic, planned, appended, peakLines);
                    long end = System.currentTimeMillis();
                    cpu.stop();
                    maxTs = Math.max(maxTs, planned.maxTimestamp());
                    windows.add(new long[] {start, end});
                    levels.add(
                            new Level(
                                    Math.round(fractions[i] * 100) + "%",
                                    rate,
                                    sent * 1000.0 / Math.max(1, end - start),
                                    sent,
                                    gcMillis() - gc0,
                                    (end - start) / 1e3,
                                    cpu.seconds(),
                                    cpu.groups(),
                                    new ArrayList<>()));
                    // Unmeasured: its alerts are appended outside every level's window.
                    Planned tail = scheduled.tail();
                    // Gigabytes of sent lines, which would count as heap used in the state sample.
                    scheduled = null;
                    planned = null;
                    send(producer, topic, tail, appended, null);
                    maxTs = Math.max(maxTs, tail.maxTimestamp());
                    if (i == fractions.length - 1) {
                        state.add(sample("end of 80% phase", checkpoints));
                    }
                }
                Thread.sleep(2_000);
                // Quiet: a few events two hours later on every partition.
                TrafficGenerator late =
                        new TrafficGenerator(
                                TrafficProfile.bench(10).toBuilder()
                                        .start(
                                                Instant.ofEpochMilli(maxTs)
                                                        .plus(Duration.ofHours(2)))
                                        .maxJitter(Duration.ZERO)
                                        .attackFraction(0)
                                        .upstreamEpisodesPerHour(0)
                                        .eventsPerSecond(10)
                                        .build());
                LineEncoder encoder = new LineEncoder(format);
                for (int i = 0; i < 8; i++) {
                    producer.send(
                            new ProducerRecord<>(topic, i % 2, null, encoder.encode(late.next())));
                }
                producer.flush();
            }
            Thread.sleep(2_000);
            collector.interrupt();
            collector.join(5_000);
            System.gc();
            state.add(sample("after keys went quiet", checkpoints));

            int withoutAppend = 0;
            for (Arrived a : arrived) {
                Alert alert = a.alert();
                String keyValue = alert.key().values().iterator().next();
                Long at = appended.get(keyValue + "|" + alert.lastSeen());
                if (at == null) {
                    // Completed by a line the harness did not expect to take part in a rule
                    // (see mayTakePartInARule); counted in the report, never silently.
                    withoutAppend++;
                    continue;
                }
                for (int i = 0; i < windows.size(); i++) {
                    if (at >= windows.get(i)[0] && at < windows.get(i)[1]) {
                        levels.get(i).latencies().add(a.arrivedMillis() - at);
                    }
                }
            }
            return new Result(
                    levels,
                    state,
                    activeKeys(rules, peakLines, windows.get(windows.size() - 1)[1]),
                    settings.time().maxOutOfOrderness().toMillis(),
                    parallelism,
                    withoutAppend);
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }
    }

    private static StateSample sample(String when, Checkpoints checkpoints) throws Exception {
        long now = System.currentTimeMillis();
        Checkpoints.Stat s = checkpoints.after(now, Duration.ofSeconds(60));
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new StateSample(when, s.stateBytes(), s.durationMs(), heap);
    }

    /**
     * A level's traffic, generated and encoded before it is sent: the generator and encoder would
     * otherwise share the two cores with the job while the latency is measured (about half a core
     * at 50% of the top rate). The lines' event times start at {@code start}, a wall-clock instant
     * still ahead when generation ends.
     */
    private record Planned(
            long start, long[] emitMillis, byte[][] json, String[][] keys, long maxTimestamp) {
        int size() {
            return json.length;
        }
    }

    /** Lines for {@code seconds} at {@code rate}, whose event times start at {@code start}. */
    private static Planned plan(
            int ips, double rate, double seconds, long seed, long start, LineFormat format) {
        TrafficGenerator generator =
                new TrafficGenerator(
                        TrafficProfile.bench(ips).toBuilder()
                                .seed(seed)
                                .eventsPerSecond(rate)
                                .start(Instant.ofEpochMilli(start))
                                .build());
        LineEncoder encoder = new LineEncoder(format);
        long end = start + (long) (seconds * 1000);
        int expected = (int) Math.min(Integer.MAX_VALUE - 8, rate * seconds * 1.1 + 16);
        List<byte[]> json = new ArrayList<>(expected);
        long[] emit = new long[expected];
        String[][] keys = new String[expected][];
        long maxTs = Long.MIN_VALUE;
        while (true) {
            GeneratedLine line = generator.next();
            if (line.emitMillis() >= end) {
                break;
            }
            int i = json.size();
            if (i == emit.length) {
                emit = Arrays.copyOf(emit, i * 2);
                keys = Arrays.copyOf(keys, i * 2);
            }
            json.add(encoder.encode(line));
            emit[i] = line.emitMillis();
            // Only lines that can take part in a rule can complete a match, and only their keys
            // are remembered at the append: a map entry per line (millions per level) made the
            // harness's own garbage collections part of the measured tail.
            if (mayTakePartInARule(line)) {
                long ts = line.timestampMillis();
                List<String> k = new ArrayList<>(3);
                k.add(line.clientip() + "|" + ts);
                if (line.upstreamHost() != null) {
                    k.add(line.upstreamHost() + "|" + ts);
                }
                if (line.httpHost() != null) {
                    k.add(line.httpHost() + "|" + ts);
                }
                keys[i] = k.toArray(String[]::new);
            }
            maxTs = Math.max(maxTs, line.timestampMillis());
        }
        int n = json.size();
        return new Planned(
                start,
                Arrays.copyOf(emit, n),
                json.toArray(byte[][]::new),
                Arrays.copyOf(keys, n),
                maxTs);
    }

    /**
     * A level's lines and an unmeasured tail right after them at a low rate, which moves the
     * watermark past the level's events: the next level is generated before it is sent, and
     * meanwhile no line arrives, so without the tail the last alerts of a level would wait for it.
     */
    private record Scheduled(Planned level, Planned tail) {}

    /**
     * Generates a level and its tail (see {@link Planned}) with their event times starting once the
     * generation is over: the start is planned from the time a sample of the same traffic took,
     * with room to spare, so the sending does not begin behind its schedule.
     */
    private static Scheduled planAhead(
            int ips,
            double rate,
            double seconds,
            long seed,
            double tailRate,
            double tailSeconds,
            LineFormat format) {
        double sampleSeconds = Math.min(seconds, 1);
        long t0 = System.currentTimeMillis();
        plan(ips, rate, sampleSeconds, seed, t0, format);
        // Generation, given three times what the sample suggests, then a full collection of up
        // to a few GB of fresh lines. Should that not fit, once more with twice the time the
        // first attempt took: a level that starts behind its schedule sends its first lines in a
        // burst.
        long margin =
                3_000 + 3 * (System.currentTimeMillis() - t0) * (long) (seconds / sampleSeconds);
        for (int attempt = 1; ; attempt++) {
            long begun = System.currentTimeMillis();
            long start = begun + margin;
            Planned level = plan(ips, rate, seconds, seed, start, format);
            Planned tail =
                    plan(
                            ips,
                            tailRate,
                            tailSeconds,
                            seed + 1_000,
                            start + (long) (seconds * 1000),
                            format);
            // The lines are young objects: without a collection now, the first ones during the
            // level would copy them all, seconds of pauses in the measured tail.
            System.gc();
            long late = System.currentTimeMillis() - start;
            if (late <= 0 || attempt == 3) {
                if (late > 0) {
                    System.err.printf(
                            "bench: warning: a latency level starts %d ms behind its schedule;"
                                    + " its first lines go out in a burst%n",
                            late);
                }
                return new Scheduled(level, tail);
            }
            margin = 2 * (System.currentTimeMillis() - begun);
            // Gigabytes at 80%: not kept while the next attempt generates its own.
            level = null;
            tail = null;
        }
    }

    /**
     * Appends planned lines, each when the wall clock reaches its emission time; returns lines
     * sent. {@code appended} gets the append time of each line that can complete a match, by key
     * and event time; {@code keep}, when not null, the lines themselves.
     */
    private static long send(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            Planned planned,
            Map<String, Long> appended,
            List<byte[]> keep) {
        for (int i = 0; i < planned.size(); i++) {
            long wait = planned.emitMillis()[i] - System.currentTimeMillis();
            if (wait > 1) {
                LockSupport.parkNanos(wait * 1_000_000);
            }
            byte[] json = planned.json()[i];
            producer.send(new ProducerRecord<>(topic, i % 2, null, json));
            String[] keys = planned.keys()[i];
            if (keys != null) {
                long now = System.currentTimeMillis();
                for (String k : keys) {
                    appended.putIfAbsent(k, now);
                }
                if (keep != null) {
                    keep.add(json);
                }
            }
        }
        producer.flush();
        return planned.size();
    }

    /**
     * Whether a generated line can match a condition of the shipped rules: an error status, a
     * method other than GET (logins), or part of an attack (probes, scanner agents, traversal).
     */
    private static boolean mayTakePartInARule(GeneratedLine line) {
        return line.status() >= 400 || !"GET".equals(line.method()) || line.attack() != null;
    }

    private static long gcMillis() {
        long sum = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    private static Thread collector(
            LocalRedis redis, String list, ConcurrentLinkedQueue<Arrived> arrived) {
        Thread t =
                new Thread(
                        () -> {
                            try (Jedis jedis = new Jedis(redis.url())) {
                                while (!Thread.currentThread().isInterrupted()) {
                                    List<String> r = jedis.brpop(1, list);
                                    if (r != null && r.size() == 2) {
                                        arrived.add(
                                                new Arrived(
                                                        AlertCodec.decode(r.get(1)),
                                                        System.currentTimeMillis()));
                                    }
                                }
                            } catch (RuntimeException e) {
                                if (!Thread.currentThread().isInterrupted()) {
                                    throw e;
                                }
                            }
                        },
                        "bench-alert-collector");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Per rule, the keys with a relevant event within the rule's window before the end of the 80%
     * phase: the keys that must hold state then.
     */
    private static Map<String, Integer> activeKeys(
            List<Rule> rules, List<byte[]> lines, long peakEnd) {
        LogParser parser =
                new LogParser(new ParserSettings(65536, Duration.ofDays(1), Clock.systemUTC()));
        List<AccessEvent> events = new ArrayList<>();
        long newest = Long.MIN_VALUE;
        for (byte[] line : lines) {
            ParseResult r = parser.parse(line);
            if (r.isEvent()) {
                events.add(r.event());
                if (r.event().timestamp() <= peakEnd) {
                    newest = Math.max(newest, r.event().timestamp());
                }
            }
        }
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (Rule rule : rules) {
            Set<String> keys = new HashSet<>();
            long from = newest - rule.within().toMillis();
            for (AccessEvent e : events) {
                if (e.timestamp() > from && e.timestamp() <= newest && rule.isRelevant(e)) {
                    String k = rule.keyOf(e);
                    if (k != null) {
                        keys.add(k);
                    }
                }
            }
            out.put(rule.id(), keys.size());
        }
        return out;
    }
}
