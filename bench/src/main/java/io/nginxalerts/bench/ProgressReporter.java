package io.nginxalerts.bench;

import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A metric reporter of the bench's local cluster that keeps, per job, the counters of events the
 * job has taken in (the {@code nginx_alerts.events} counter of every {@code RouteRecords} subtask),
 * so that a run's progress can be read in-process while it runs, at any rate, without the REST
 * API's metric cache. Registered as {@code metrics.reporter.progress.factory.class}.
 */
public final class ProgressReporter implements MetricReporter, MetricReporterFactory {
    private static final Map<String, Set<Counter>> EVENTS = new ConcurrentHashMap<>();

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new ProgressReporter();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Counter counter
                && name.equals("events")
                && group.getMetricIdentifier(name).contains("nginx_alerts")) {
            String job = group.getAllVariables().get("<job_id>");
            if (job != null) {
                EVENTS.computeIfAbsent(job, k -> ConcurrentHashMap.newKeySet()).add(counter);
            }
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // Kept until the run has read its final count (forget).
    }

    /** Events taken in so far by the job's subtasks. */
    static long events(String jobId) {
        long sum = 0;
        for (Counter c : EVENTS.getOrDefault(jobId, Set.of())) {
            sum += c.getCount();
        }
        return sum;
    }

    static void forget(String jobId) {
        EVENTS.remove(jobId);
    }
}
