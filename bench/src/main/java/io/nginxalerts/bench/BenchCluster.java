package io.nginxalerts.bench;

import io.nginxalerts.testing.Ports;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One local Flink cluster (JobManager and a TaskManager with two slots, in this JVM) that every
 * throughput run is submitted to, like jobs to a long-running cluster. Starting a cluster per run
 * would charge each run for the cluster's start and stop, and for the JIT compiling that code again
 * and again, which are not the job's cost.
 */
final class BenchCluster implements AutoCloseable {
    private final MiniCluster cluster;
    private final URI rest;

    private BenchCluster(MiniCluster cluster, URI rest) {
        this.cluster = cluster;
        this.rest = rest;
    }

    static BenchCluster start(int slots) throws Exception {
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, Ports.free());
        // Run progress read in-process (steady-state rates), see ProgressReporter.
        conf.setString("metrics.reporter.progress.factory.class", ProgressReporter.class.getName());
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(slots)
                                .build());
        cluster.start();
        return new BenchCluster(cluster, cluster.getRestAddress().get());
    }

    /**
     * The result of a job on this cluster the moment it finishes, asked of the cluster in-process.
     * The {@code JobClient} of a remote environment learns it by polling the REST API with a
     * back-off that grows to 2 s, so a run of a few seconds looked up to 2 s longer than it was, by
     * an amount that depended on where in the back-off it ended.
     */
    CompletableFuture<JobExecutionResult> result(JobID job) {
        return cluster.requestJobResult(job)
                .thenApply(
                        r -> {
                            try {
                                return r.toJobExecutionResult(BenchCluster.class.getClassLoader());
                            } catch (Exception e) {
                                throw new CompletionException(e);
                            }
                        });
    }

    /** An environment whose jobs run on this cluster (the job's classes are on its class path). */
    StreamExecutionEnvironment environment(int parallelism) {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createRemoteEnvironment(
                        rest.getHost(), rest.getPort(), new Configuration());
        env.setParallelism(parallelism);
        return env;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
