package io.nginxalerts.job;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * A count that is both a Flink metric (seen live in the web UI and by reporters) and an accumulator
 * (read from the job result by {@code backtest} for its summary). Accumulator names must be unique
 * per job; callers build them from operator and rule ids.
 */
public final class Counters {
    private final Counter metric;
    private final LongCounter accumulator;

    private Counters(Counter metric, LongCounter accumulator) {
        this.metric = metric;
        this.accumulator = accumulator;
    }

    public static Counters register(
            RuntimeContext context, MetricGroup group, String metricName, String accumulatorName) {
        LongCounter accumulator = new LongCounter();
        context.addAccumulator(accumulatorName, accumulator);
        return new Counters(group.counter(metricName), accumulator);
    }

    /**
     * A rule's counter: metric {@code name} in {@code ruleGroup} (the group {@code rule=<id>}),
     * accumulator {@link #ruleAccumulator}{@code (ruleId, name)}.
     */
    public static Counters forRule(
            RuntimeContext context, MetricGroup ruleGroup, String ruleId, String name) {
        return register(context, ruleGroup, name, ruleAccumulator(ruleId, name));
    }

    /**
     * The accumulator name of a rule's count, {@code rule.<id>.<name>}: the one place it is made,
     * for the operators that count and for what reads the job result (backtest, demo, bench).
     */
    public static String ruleAccumulator(String ruleId, String name) {
        return "rule." + ruleId + "." + name;
    }

    public void inc() {
        metric.inc();
        accumulator.add(1L);
    }
}
