package io.nginxalerts.job.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.nginxalerts.job.testing.MiniClusters;
import io.nginxalerts.testing.KafkaExtension;
import io.nginxalerts.testing.LocalRedis;
import io.nginxalerts.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis goes away while alerts are being written and comes back on the same port. Either the sink
 * rides the outage out (it retries for {@code redis.retry-timeout}), or, when the outage outlasts
 * that, the job fails and restarts from its checkpoint, again and again until Redis is back, and
 * replays. Both ways the worker reconnects and delivers exactly the reference alerts, once each.
 *
 * <p>Redis runs with an append-only file ({@code appendfsync always}) in a temp directory, as a
 * production Redis would: the list, the worker's processing list and its dedup markers survive the
 * restart. (Without persistence a Redis restart loses whatever the list held and every dedup
 * marker, so neither "nothing lost" nor "nothing twice" could hold; the README says so.)
 *
 * <p>The outage lasts 12 s, not the 30 s of the issue: what matters is whether it is longer or
 * shorter than the sink's retry timeout (60 s here, 1 s in the restart case), and 12 s is well past
 * the sink's longest backoff (5 s) and the worker's reconnect backoff, so every retry path runs;
 * the CI time budget is shared.
 */
class RedisOutageITCase {
    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            MiniClusters.twoSlots(METRICS.addToConfiguration(new Configuration()));

    private static final Duration OUTAGE = Duration.ofSeconds(12);

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @Test
    void sinkRetriesThroughARedisOutageAndEveryAlertIsDeliveredOnce(
            @InjectMiniCluster MiniCluster miniCluster, @TempDir Path tmp) throws Exception {
        Outcome outcome = runWithOutage(miniCluster, tmp, "faults-redis-retry", "60s", false);

        assertThat(outcome.sinkRetries()).as("the sink hit the outage and retried").isPositive();
        assertThat(outcome.restored())
                .as("the job rode the outage out without a restart")
                .isFalse();
    }

    @Test
    void jobRestartsFromItsCheckpointWhenRedisStaysDownLongerThanTheRetryTimeout(
            @InjectMiniCluster MiniCluster miniCluster, @TempDir Path tmp) throws Exception {
        Outcome outcome = runWithOutage(miniCluster, tmp, "faults-redis-restart", "1s", true);

        assertThat(outcome.restored())
                .as("the job failed and restored its last checkpoint")
                .isTrue();
    }

    private record Outcome(long sinkRetries, boolean restored) {}

    /**
     * Runs the fault test: first half, Redis down, second half, Redis up; asserts the deliveries
     * equal the reference exactly once.
     */
    private Outcome runWithOutage(
            MiniCluster miniCluster,
            Path tmp,
            String topic,
            String retryTimeout,
            boolean awaitRestartDuringOutage)
            throws Exception {
        KAFKA.createTopic(topic, 1);
        KAFKA.createTopic(topic + "-dlq", 1);
        String list = "faults:" + topic;
        FaultTraffic traffic = new FaultTraffic();
        Set<String> reference = traffic.referenceIds();

        Path data = Files.createDirectories(tmp.resolve("redis"));
        try (LocalRedis redis =
                        LocalRedis.start("appendonly yes", "appendfsync always", "dir " + data);
                DeliveringWorker worker = DeliveringWorker.start(redis, list, tmp);
                FaultJob job =
                        FaultJob.startCheckpointed(
                                miniCluster,
                                FaultJob.args(KAFKA, topic, redis.url(), list)
                                        .with("redis.retry-timeout", retryTimeout),
                                FaultTraffic.rules(),
                                100)) {
            KAFKA.produceLines(topic, traffic.firstHalf());
            worker.awaitFirstDeliveries(3);

            redis.stop();
            Outage outage = Outage.begin(OUTAGE);
            KAFKA.produceLines(topic, traffic.secondHalfAndClosing());
            // The second half's alerts meet the outage: the sink retries, or the job fails.
            long retries =
                    Poll.until(Duration.ofSeconds(30), () -> sinkRetries(job.id()), n -> n > 0);
            assertThat(retries).as("the sink retried during the outage").isPositive();
            if (awaitRestartDuringOutage) {
                assertThat(
                                Poll.until(
                                        Duration.ofSeconds(30),
                                        job::restoredFromCheckpoint,
                                        restored -> restored))
                        .as("the job restarted from its checkpoint while Redis was down")
                        .isTrue();
            }
            // However fast the job reacted: the sink's and the worker's backoffs reach their caps.
            outage.awaitEnd();
            assertThat(redis.isRunning()).isFalse();
            redis.startAgain();
            KAFKA.produceLines(topic, traffic.trailing());

            worker.awaitExactlyOnce(reference, Duration.ofSeconds(90));
            assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
            return new Outcome(sinkRetries(job.id()), job.restoredFromCheckpoint());
        }
    }

    /**
     * The sink writers' {@code nginx_alerts.redis.retries} counters, summed over subtasks and over
     * the job's attempts (the reporter keeps the metrics of a failed attempt).
     */
    private static long sinkRetries(JobID job) {
        long sum = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                METRICS.getMetricsByGroup().entrySet()) {
            if (job.toString().equals(group.getKey().getAllVariables().get("<job_id>"))
                    && group.getKey().getMetricIdentifier("retries").endsWith(".redis.retries")
                    && group.getValue().get("retries") instanceof Counter counter) {
                sum += counter.getCount();
            }
        }
        return sum;
    }
}
