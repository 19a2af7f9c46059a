package io.nginxalerts.job.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.AlertJob;
import io.nginxalerts.job.JobSettings;
import io.nginxalerts.job.testing.JobArgs;
import io.nginxalerts.job.testing.PipelineRun;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * The streaming job as {@code flink run} builds it ({@link AlertJob#build}: Kafka source, rules,
 * Redis list sink, dead-letter topic), running on the test's MiniCluster, configured for fault
 * tests: parallelism 2, checkpoints every 500 ms, a fixed-delay restart strategy, event time driven
 * only by the events (no idle flush). Closing it cancels the job. Also the reference every fault
 * test compares against.
 */
final class FaultJob implements AutoCloseable {
    static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(500);

    private final MiniCluster cluster;
    private final JobClient client;

    private FaultJob(MiniCluster cluster, JobClient client) {
        this.cluster = cluster;
        this.client = client;
    }

    /** The in-process Kafka with {@code topic} and its dead-letter topic, one partition each. */
    static KafkaExtension kafkaWithTopic(String topic) {
        return new KafkaExtension().withTopic(topic, 1).withTopic(topic + "-dlq", 1);
    }

    /**
     * The options of every fault test: {@code topic} with its own consumer group and its
     * dead-letter topic {@code topic-dlq}; {@link JobArgs#with} adds or overrides.
     */
    static JobArgs args(KafkaExtension kafka, String topic, String redisUrl, String list) {
        return JobArgs.of(kafka.bootstrapServers(), topic, topic + "-dlq", redisUrl, list)
                .with("kafka.group-id", "faults-" + topic)
                // Event time moves only with the events (FaultTraffic ends with a closing event),
                // so the outcome does not depend on how long a fault lasts.
                .with("events.idle-flush-after", "0s");
    }

    /** Submits the job; returns once it is submitted. */
    static FaultJob start(MiniCluster cluster, JobArgs args, List<Rule> rules, int restartAttempts)
            throws Exception {
        return start(cluster, args, rules, restartAttempts, SavepointRestoreSettings.none());
    }

    /** Submits the job, starting from the savepoint at {@code savepoint}. */
    static FaultJob startFromSavepoint(
            MiniCluster cluster, JobArgs args, List<Rule> rules, String savepoint)
            throws Exception {
        return start(cluster, args, rules, 0, SavepointRestoreSettings.forPath(savepoint, true));
    }

    /**
     * As {@link #startCheckpointed(MiniCluster, JobArgs, List, int)}: the fault traffic's rules, 10
     * restarts.
     */
    static FaultJob startCheckpointed(MiniCluster cluster, JobArgs args) throws Exception {
        return startCheckpointed(cluster, args, FaultTraffic.rules(), 10);
    }

    /**
     * Submits the job and waits for its first completed checkpoint, taken before any event the test
     * produces afterwards: a restart then always restores a checkpoint.
     */
    static FaultJob startCheckpointed(
            MiniCluster cluster, JobArgs args, List<Rule> rules, int restartAttempts)
            throws Exception {
        FaultJob job = start(cluster, args, rules, restartAttempts);
        try {
            job.awaitCompletedCheckpoints(1, Duration.ofSeconds(60));
        } catch (RuntimeException | Error e) {
            job.close();
            throw e;
        }
        return job;
    }

    private static FaultJob start(
            MiniCluster cluster,
            JobArgs args,
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
        JobSettings settings = args.settings();
        AlertJob.build(env, settings, rules);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("fault test " + settings.kafkaTopic());
        graph.setSavepointRestoreSettings(restore);
        return new FaultJob(cluster, env.executeAsync(graph));
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

    JobID id() {
        return client.getJobID();
    }

    /** Waits until at least {@code n} checkpoints have completed; returns how many have. */
    long awaitCompletedCheckpoints(long n, Duration timeout) {
        return Poll.until(
                timeout,
                n + " completed checkpoints of job " + id(),
                this::completedCheckpoints,
                completed -> completed >= n);
    }

    /** Stops the job with a canonical savepoint under {@code dir}; returns its path. */
    String stopWithSavepoint(Path dir) throws Exception {
        return client.stopWithSavepoint(
                        false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                .get();
    }

    /** Waits until a bounded job has finished (and fails if it failed). */
    void awaitFinished() throws Exception {
        client.getJobExecutionResult().get();
    }

    CheckpointStatsSnapshot checkpoints() {
        try {
            return cluster.getExecutionGraph(id()).get().getCheckpointStatsSnapshot();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    long completedCheckpoints() {
        return checkpoints().getCounts().getNumberOfCompletedCheckpoints();
    }

    /** Whether the job has restored its state from a checkpoint (i.e. failed and restarted). */
    boolean restoredFromCheckpoint() {
        return checkpoints().getLatestRestoredCheckpoint() != null;
    }

    JobStatus status() {
        try {
            return cluster.getJobStatus(id()).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Cancels the job. */
    @Override
    public void close() throws Exception {
        client.cancel().get();
    }
}
