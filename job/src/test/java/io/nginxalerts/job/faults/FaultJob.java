package io.nginxalerts.job.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.AlertJob;
import io.nginxalerts.job.JobSettings;
import io.nginxalerts.job.cli.Args;
import io.nginxalerts.job.testing.PipelineRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * The streaming job as {@code flink run} builds it ({@link AlertJob#build}: Kafka source, rules,
 * Redis list sink, dead-letter topic), configured for fault tests: checkpoints every 500 ms, a
 * fixed-delay restart strategy, event time driven only by the events (no idle flush), and the
 * reference every fault test compares against.
 */
final class FaultJob {
    static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(500);

    private FaultJob() {}

    /** Settings as command-line options; {@code extra} {@code --key value} pairs override. */
    static JobSettings settings(
            String bootstrapServers, String topic, String redisUrl, String list, String... extra) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--kafka.bootstrap-servers", bootstrapServers);
        options.put("--kafka.topic", topic);
        options.put("--kafka.group-id", "faults-" + topic);
        options.put("--dlq.topic", topic + "-dlq");
        options.put("--redis.url", redisUrl);
        options.put("--redis.list", list);
        options.put("--events.max-out-of-orderness", "1s");
        options.put("--events.partition-idleness", "1s");
        // Event time moves only with the events (FaultTraffic ends with a closing event), so the
        // outcome does not depend on how long a fault lasts.
        options.put("--events.idle-flush-after", "0s");
        for (int i = 0; i < extra.length; i += 2) {
            options.put(extra[i], extra[i + 1]);
        }
        List<String> args = new ArrayList<>();
        options.forEach(
                (key, value) -> {
                    args.add(key);
                    args.add(value);
                });
        return JobSettings.from(Args.parse(args.toArray(String[]::new)).flat(Set.of()), true);
    }

    /** Submits the job with parallelism 2; returns once it is submitted. */
    static JobClient start(JobSettings settings, List<Rule> rules, int restartAttempts)
            throws Exception {
        return start(settings, rules, restartAttempts, SavepointRestoreSettings.none());
    }

    /** Submits the job with parallelism 2, starting from {@code restore}. */
    static JobClient start(
            JobSettings settings,
            List<Rule> rules,
            int restartAttempts,
            SavepointRestoreSettings restore)
            throws Exception {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restartAttempts);
        config.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        env.enableCheckpointing(CHECKPOINT_INTERVAL.toMillis());
        AlertJob.build(env, settings, rules);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("fault test " + settings.kafkaTopic());
        graph.setSavepointRestoreSettings(restore);
        return env.executeAsync(graph);
    }

    /**
     * The reference: the alert ids a fault-free run of the same lines produces, through the same
     * topology on a bounded input (at its end every pending match completes, as the closing event
     * makes them complete in the streaming job).
     */
    static Set<String> referenceIds(List<Rule> rules, List<String> lines) throws Exception {
        List<Alert> alerts = PipelineRun.run(rules, lines, 2).alerts();
        Set<String> ids = new TreeSet<>();
        for (Alert alert : alerts) {
            assertThat(ids.add(alert.id())).as("reference alert ids are unique").isTrue();
        }
        return ids;
    }

    static CheckpointStatsSnapshot checkpoints(MiniCluster cluster, JobID job) {
        try {
            return cluster.getExecutionGraph(job).get().getCheckpointStatsSnapshot();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static long completedCheckpoints(MiniCluster cluster, JobID job) {
        return checkpoints(cluster, job).getCounts().getNumberOfCompletedCheckpoints();
    }

    /** Whether the job has restored its state from a checkpoint (i.e. failed and restarted). */
    static boolean restoredFromCheckpoint(MiniCluster cluster, JobID job) {
        return checkpoints(cluster, job).getLatestRestoredCheckpoint() != null;
    }

    static JobStatus status(MiniCluster cluster, JobID job) {
        try {
            return cluster.getJobStatus(job).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
