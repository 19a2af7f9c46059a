package io.nginxalerts.core.detect;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.Alerts;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;

/**
 * A value rule ({@code value: {field, <aggregate>: {<cmp>: bound}, min_events}}): fires at an event
 * when the window of the key's values within {@code within} (after its last firing) holds at least
 * {@code min_events} values and the aggregate compares true against the bound. Events whose field
 * has no numeric value ({@link NumericValues}) take no part. A firing empties the window.
 *
 * <p>avg, min and max are exact (sums of thousandths, monotonic queues); percentiles are nearest
 * rank over {@link LogBuckets}, within 1% of the exact value.
 *
 * <p>State per key: the window's (timestamp, value) pairs, and what its aggregate needs: the sum
 * (avg), a monotonic queue (min, max) or the count per bucket (percentiles); and the latest 5
 * events with a value (the evidence). Work per event: O(1) amortised, plus O(buckets) for a
 * percentile.
 */
public final class ValueDetector implements Detector<ValueDetector.State> {
    private static final long serialVersionUID = 1L;

    private final Rule rule;
    private final RuleKind.Value kind;
    private final long within;

    public ValueDetector(Rule rule) {
        if (!(rule.kind() instanceof RuleKind.Value value)) {
            throw new IllegalArgumentException("rule " + rule.id() + " is not a value rule");
        }
        this.rule = rule;
        this.kind = value;
        this.within = rule.within().toMillis();
    }

    /** The per-key window. */
    public static final class State {
        LongQueue times = new LongQueue();

        /** Thousandths, parallel to {@code times}. */
        LongQueue values = new LongQueue();

        /** How many values left the front of the window since it was last emptied. */
        long removed;

        /** avg: the window's sum in thousandths. */
        long sum;

        /**
         * min, max: sequence numbers (removed + index) of the window's values that may still become
         * its minimum (maximum), in order, their values increasing (decreasing) from the front.
         */
        LongQueue extremes = new LongQueue();

        /** Percentiles: {@link LogBuckets#key} to the number of the window's values in it. */
        TreeMap<Long, Integer> buckets = new TreeMap<>();

        /** The latest events of the window, at most {@link Alert#MAX_EVIDENCE}, oldest first. */
        ArrayDeque<AccessEvent> evidence = new ArrayDeque<>();
    }

    @Override
    public State newState() {
        return new State();
    }

    @Override
    public void advance(State s, long now, DetectorContext ctx) {
        while (!s.times.isEmpty() && now - s.times.first() >= within) {
            s.times.removeFirst();
            long value = s.values.removeFirst();
            if (!s.extremes.isEmpty() && s.extremes.first() == s.removed) {
                s.extremes.removeFirst();
            }
            s.removed++;
            s.sum -= value;
            if (kind.aggregate().percentile() > 0) {
                long key = LogBuckets.key(value);
                int left = s.buckets.get(key) - 1;
                if (left == 0) {
                    s.buckets.remove(key);
                } else {
                    s.buckets.put(key, left);
                }
            }
        }
        while (!s.evidence.isEmpty() && now - s.evidence.peekFirst().timestamp() >= within) {
            s.evidence.removeFirst();
        }
    }

    @Override
    public void onEvent(State s, AccessEvent event, long ts, DetectorContext ctx) {
        long value = NumericValues.of(event, kind.field());
        if (value == NumericValues.NONE) {
            return;
        }
        long seq = s.removed + s.times.size();
        s.times.addLast(ts);
        s.values.addLast(value);
        s.sum += value;
        switch (kind.aggregate()) {
            case MAX -> {
                while (!s.extremes.isEmpty() && valueAt(s, s.extremes.last()) <= value) {
                    s.extremes.removeLast();
                }
                s.extremes.addLast(seq);
            }
            case MIN -> {
                while (!s.extremes.isEmpty() && valueAt(s, s.extremes.last()) >= value) {
                    s.extremes.removeLast();
                }
                s.extremes.addLast(seq);
            }
            case AVG -> {}
            default -> s.buckets.merge(LogBuckets.key(value), 1, Integer::sum);
        }
        s.evidence.addLast(event);
        if (s.evidence.size() > Alert.MAX_EVIDENCE) {
            s.evidence.removeFirst();
        }
        int count = s.times.size();
        if (count < kind.minEvents()) {
            return;
        }
        double aggregate = aggregate(s);
        if (kind.comparison().holds(aggregate, kind.bound())) {
            ctx.emit(
                    Alerts.value(
                            rule,
                            new ArrayList<>(s.evidence),
                            count,
                            aggregate,
                            s.times.first(),
                            ts,
                            ctx.processingTime()));
            s.times.clear();
            s.values.clear();
            s.removed = 0;
            s.sum = 0;
            s.extremes.clear();
            s.buckets.clear();
            s.evidence.clear();
        }
    }

    private static long valueAt(State s, long seq) {
        return s.values.get((int) (seq - s.removed));
    }

    private double aggregate(State s) {
        int count = s.times.size();
        switch (kind.aggregate()) {
            case AVG:
                return NumericValues.average(s.sum, count);
            case MAX:
            case MIN:
                return NumericValues.toDouble(valueAt(s, s.extremes.first()));
            default:
                long rank = LogBuckets.rank(kind.aggregate().percentile(), count);
                return LogBuckets.value(bucketOfRank(s.buckets, rank, count));
        }
    }

    /**
     * The key of the bucket holding the {@code rank}-th smallest of the {@code count} values
     * counted in {@code buckets} (1-based). A high percentile (p95, p99) is counted down from the
     * top: its bucket is near there, so a few buckets are read at every event instead of nearly
     * all.
     */
    static long bucketOfRank(TreeMap<Long, Integer> buckets, long rank, long count) {
        if (rank * 2 > count) {
            // The rank-th smallest is in the first bucket from the top that holds, with those
            // above it, at least count - rank + 1 values.
            long needed = count - rank + 1;
            long above = 0;
            for (Map.Entry<Long, Integer> bucket : buckets.descendingMap().entrySet()) {
                above += bucket.getValue();
                if (above >= needed) {
                    return bucket.getKey();
                }
            }
        } else {
            long seen = 0;
            for (Map.Entry<Long, Integer> bucket : buckets.entrySet()) {
                seen += bucket.getValue();
                if (seen >= rank) {
                    return bucket.getKey();
                }
            }
        }
        throw new IllegalStateException("bucket counts do not add up to the window");
    }

    @Override
    public long nextDeadline(State s) {
        return s.times.isEmpty() ? Long.MAX_VALUE : s.times.first() + within;
    }

    /** When the newest value leaves the window: an aggregate fires at events, never at expiry. */
    @Override
    public long nextTimer(State s) {
        return s.times.isEmpty() ? Long.MAX_VALUE : s.times.last() + within;
    }

    @Override
    public boolean isEmpty(State s) {
        return s.times.isEmpty();
    }
}
