package io.nginxalerts.bench;

import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.AlertJob;
import io.nginxalerts.job.JobOptions;
import io.nginxalerts.job.JobSettings;
import io.nginxalerts.job.rules.EndOfInputGate;
import io.nginxalerts.job.rules.RuleRecordCounts;
import io.nginxalerts.job.rules.ThresholdOperator;
import io.nginxalerts.testing.LocalKafka;
import io.nginxalerts.testing.LocalRedis;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import redis.clients.jedis.Jedis;

/**
 * One run of the real job ({@link AlertJob#build}) on a local Flink over a preloaded topic, bounded
 * ({@code kafka.bounded}): it reads the backlog, alerts into Redis and finishes.
 */
final class JobRun {
    private JobRun() {}

    record Result(
            String label,
            int parallelism,
            long events,
            long alerts,
            long alertsInRedis,
            double wallSeconds,
            double processCpu,
            Map<String, Double> cpuByGroup,
            Map<String, Double> cpuByTask,
            double jitCpu,
            double steadyPerSecond,
            ThresholdOperator thresholds,
            Map<String, Object> accumulators) {

        // The fixed cost is measured on another run and varies by a few hundred milliseconds;
        // on a short run (bench --quick) subtracting all of it could leave nearly nothing, so at
        // most half of the run is taken off.
        double perSecond(double overheadSeconds) {
            return events / Math.max(wallSeconds / 2, wallSeconds - overheadSeconds);
        }

        double perCpuSecond(double overheadCpu) {
            return events / cpuSeconds(overheadCpu);
        }

        /** The run produced alerts and every one of them reached Redis. */
        boolean allDelivered() {
            return alerts > 0 && alertsInRedis == alerts;
        }

        double cpuSeconds(double overheadCpu) {
            return Math.max(processCpu / 2, processCpu - overheadCpu);
        }

        /**
         * Events per CPU-second without the JIT compilers' CPU: what a long-running job, whose code
         * is compiled long since, spends per event. A 1M-event run lasts seconds, while the
         * compilers keep working on a code base the size of Flink's for minutes.
         */
        double perCpuSecondCompiled(double overheadCpu) {
            double compiled = cpuSeconds(overheadCpu) - jitCpu;
            return Double.isNaN(jitCpu) || compiled <= 0 ? Double.NaN : events / compiled;
        }
    }

    /**
     * Events per second between the moments 10% and 90% of the run's events were taken in: the rate
     * of the running job, without its start (submission, scheduling, the first fetches) and finish,
     * which a run of a few seconds cannot amortize. NaN when there are too few samples.
     */
    static double steadyRate(List<long[]> progress) {
        if (progress.isEmpty()) {
            return Double.NaN;
        }
        long total = progress.get(progress.size() - 1)[1];
        long[] from = null;
        long[] to = null;
        for (long[] p : progress) {
            if (from == null && p[1] >= total / 10) {
                from = p;
            }
            if (to == null && p[1] >= total - total / 10) {
                to = p;
            }
        }
        if (from == null || to == null || to[0] <= from[0] || total < 1000) {
            return Double.NaN;
        }
        return (to[1] - from[1]) / ((to[0] - from[0]) / 1e9);
    }

    /** The rules a run with {@code rulesDir} loads (the shipped rules when it is null). */
    static List<Rule> loadRules(LocalKafka kafka, LocalRedis redis, String rulesDir)
            throws Exception {
        return JobSettings.from(options(kafka, redis, "nginx", "rules", rulesDir), true)
                .loadRules();
    }

    static Map<String, String> options(
            LocalKafka kafka, LocalRedis redis, String topic, String list, String rulesDir) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put(JobOptions.KAFKA_BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
        o.put(JobOptions.KAFKA_TOPIC.key(), topic);
        o.put(JobOptions.KAFKA_GROUP_ID.key(), "bench-" + list);
        o.put(JobOptions.KAFKA_STARTING_OFFSETS.key(), "earliest");
        o.put(JobOptions.DLQ_TOPIC.key(), "nginx-dlq");
        o.put(JobOptions.REDIS_URL.key(), redis.url());
        o.put(JobOptions.REDIS_LIST.key(), list);
        if (rulesDir != null) {
            o.put(JobOptions.RULES.key(), rulesDir);
        }
        return o;
    }

    static Result run(
            BenchCluster cluster,
            String label,
            LocalKafka kafka,
            LocalRedis redis,
            String topic,
            long events,
            int parallelism,
            String rulesDir,
            ThresholdOperator thresholds)
            throws Exception {
        return run(
                cluster,
                label,
                kafka,
                redis,
                topic,
                events,
                parallelism,
                rulesDir,
                null,
                thresholds);
    }

    /**
     * As {@link #run(BenchCluster, String, LocalKafka, LocalRedis, String, long, int, String,
     * ThresholdOperator)}, with {@code ruleSet} instead of the rules of {@code rulesDir} when it is
     * not null (the rule-count table's sets, built in memory).
     */
    static Result run(
            BenchCluster cluster,
            String label,
            LocalKafka kafka,
            LocalRedis redis,
            String topic,
            long events,
            int parallelism,
            String rulesDir,
            List<Rule> ruleSet,
            ThresholdOperator thresholds)
            throws Exception {
        String list = "bench:" + label + ":p" + parallelism + ":" + System.nanoTime();
        Map<String, String> o = options(kafka, redis, topic, list, rulesDir);
        o.put(JobOptions.KAFKA_BOUNDED.key(), "true");
        o.put(JobOptions.RULES_THRESHOLD_OPERATOR.key(), thresholds.toString());
        JobSettings settings = JobSettings.from(o, true);
        List<Rule> rules = ruleSet != null ? ruleSet : settings.loadRules();
        StreamExecutionEnvironment env = cluster.environment(parallelism);
        AlertJob.build(env, settings, rules);
        Cpu cpu = Cpu.measure();
        long t0 = System.nanoTime();
        JobClient job = env.executeAsync("nginx-alerts bench " + label);
        String jobId = job.getJobID().toString();
        CompletableFuture<JobExecutionResult> done = cluster.result(job.getJobID());
        // Progress every 10 ms while the job runs: (nanos, events taken in).
        List<long[]> progress = new ArrayList<>();
        JobExecutionResult result = null;
        while (result == null) {
            try {
                result = done.get(10, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                progress.add(new long[] {System.nanoTime(), ProgressReporter.events(jobId)});
            }
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        ProgressReporter.forget(jobId);
        cpu.stop();
        Map<String, Object> acc = result.getAllAccumulatorResults();
        long alerts = 0;
        for (Rule rule : rules) {
            alerts += RuleRecordCounts.counter(acc, rule.id(), "alerts");
        }
        // Absence alerts a bounded input ended before deciding are dropped after being counted
        // (EndOfInputGate): not lost on the way.
        Object undecided = acc.get(EndOfInputGate.UNDECIDED_METRIC);
        alerts -= undecided instanceof Number num ? num.longValue() : 0;
        long inRedis;
        try (Jedis jedis = new Jedis(redis.url())) {
            inRedis = jedis.llen(list);
        }
        Object ev = acc.get("events");
        long counted = ev instanceof Number num ? num.longValue() : 0;
        return new Result(
                label,
                parallelism,
                Math.max(events, counted),
                alerts,
                inRedis,
                wall,
                cpu.seconds(),
                cpu.groups(),
                cpu.tasks(),
                cpu.compilerSeconds(),
                steadyRate(progress),
                thresholds,
                acc);
    }
}
