package io.nginxalerts.job.testing;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.job.rules.RoutedEvent;
import io.nginxalerts.job.rules.RuleGroup;
import io.nginxalerts.job.rules.RuleGroupOperator;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * A {@link RuleGroupOperator} in a test harness, fed as the pipeline feeds it: {@link #send} routes
 * an event as {@code GroupRouter} does (only if a rule of the group takes part, with the group's
 * key and the bits of the rules) and broadcasts the running minimum event time; {@link #watermark}
 * moves both inputs' event time.
 */
public final class GroupHarness implements AutoCloseable {
    private final RuleGroup group;
    private KeyedBroadcastOperatorTestHarness<String, RoutedEvent, Long, Alert> harness;
    private long minSeen = Long.MAX_VALUE;

    private final long grid;

    private GroupHarness(RuleGroup group, long grid) throws Exception {
        this.group = group;
        this.grid = grid;
        this.harness = create(group, grid);
    }

    /**
     * An opened harness for the group of these rules (one {@code group_by}), with a timer per
     * timestamp (grid 1 ms), so that a watermark at an event's time processes it.
     */
    public static GroupHarness open(Rule... rules) throws Exception {
        return openOnGrid(1, rules);
    }

    /** As {@link #open}, with the operator's timers on a grid of {@code grid} ms. */
    public static GroupHarness openOnGrid(long grid, Rule... rules) throws Exception {
        GroupHarness h = new GroupHarness(new RuleGroup(rules[0].groupBy(), List.of(rules)), grid);
        h.harness.open();
        return h;
    }

    private static KeyedBroadcastOperatorTestHarness<String, RoutedEvent, Long, Alert> create(
            RuleGroup group, long grid) throws Exception {
        return new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(
                        new RuleGroupOperator(group, grid), List.of(RuleGroupOperator.INPUT_START)),
                routed -> routed.key,
                Types.STRING,
                1,
                1,
                0);
    }

    public RuleGroup group() {
        return group;
    }

    public KeyedBroadcastOperatorTestHarness<String, RoutedEvent, Long, Alert> harness() {
        return harness;
    }

    /** Routes the event to the group, as the router does; true if it was sent. */
    public boolean send(AccessEvent event) throws Exception {
        long ts = event.timestamp();
        if (ts < minSeen) {
            minSeen = ts;
            harness.processBroadcastElement(ts, ts);
        }
        RoutedEvent routed = group.route(event);
        if (routed == null) {
            return false;
        }
        harness.processElement(routed, ts);
        return true;
    }

    /** Event time reaches {@code t} on both inputs. */
    public void watermark(long t) throws Exception {
        harness.processBroadcastWatermark(t);
        harness.processWatermark(t);
    }

    public List<Alert> alerts() {
        return harness.extractOutputValues();
    }

    /** The firing (and update) records: the alerts as suppression gave them before episodes. */
    public List<Alert> firing() {
        return alerts().stream().filter(a -> !a.resolved()).toList();
    }

    /** The resolved records. */
    public List<Alert> resolved() {
        return alerts().stream().filter(Alert::resolved).toList();
    }

    public List<StreamRecord<? extends Alert>> alertRecords() {
        return harness.extractOutputStreamRecords();
    }

    /** Entries of every keyed state of the operator (as the one-input harness counts them). */
    public int keyedStateEntries() {
        AbstractStreamOperator<?> op = (AbstractStreamOperator<?>) harness.getTwoInputOperator();
        return ((HeapKeyedStateBackend<?>) op.getKeyedStateBackend()).numKeyValueStateEntries();
    }

    public int timers() {
        return harness.numEventTimeTimers();
    }

    /** The events the operator found late, in order. */
    public List<AccessEvent> lateEvents() {
        Queue<StreamRecord<RoutedEvent>> late = harness.getSideOutput(group.lateTag());
        List<AccessEvent> events = new ArrayList<>();
        if (late != null) {
            late.forEach(r -> events.add(r.getValue().event));
        }
        return events;
    }

    /** Snapshots the operator, closes it and opens the group of {@code rules} on the snapshot. */
    public GroupHarness restart(long checkpoint, Rule... rules) throws Exception {
        OperatorSubtaskState snapshot = harness.snapshot(checkpoint, checkpoint);
        harness.close();
        GroupHarness next =
                new GroupHarness(new RuleGroup(rules[0].groupBy(), List.of(rules)), grid);
        next.minSeen = minSeen;
        next.harness.initializeState(snapshot);
        next.harness.open();
        return next;
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
