package io.nginxalerts.job.rules;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.Alerts;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Matches a threshold rule ({@code threshold: n} events of one key within {@code within}) with a
 * sliding count per key, giving exactly the matches that the rule's CEP pattern ({@link
 * RulePatterns}: {@code times(n).consecutive().within(w)}, skip past the last event) gives, in O(1)
 * amortised work per event instead of CEP's O(n) (CEP keeps one partial match per event of the
 * window and advances all of them on every event). A distinct rule ({@code distinct: f}) runs on
 * the same window, counting the different non-null values of {@code f} instead of events.
 *
 * <p>It mirrors CEP's event-time contract step by step, so the two are interchangeable ({@code
 * ThresholdMatcherDifferentialITCase} checks identical alerts on generated traffic; {@code
 * DistinctRulesDifferentialITCase} checks distinct rules against a literal evaluator):
 *
 * <ul>
 *   <li>an event at or behind the current watermark is late: it goes to the late side output;
 *   <li>for a distinct rule, an event without the field ({@link Rule#distinctValue} is null) takes
 *       part in no count: it is dropped (after the late check, so a late one is still a dead
 *       letter);
 *   <li>other events wait in state until the watermark passes their timestamp and are then
 *       processed in timestamp order, events with equal timestamps in arrival order;
 *   <li>processing an event at {@code t} first drops window events with {@code t - ts >= within}
 *       (CEP's timeout of a partial match), then appends it; for a distinct rule an older event of
 *       the same value leaves the window first, so the window holds the latest event of each value;
 *       the n-th event in the window is a match of those n, and the window is emptied (skip past
 *       the last event);
 *   <li>an alert carries the completing event's timestamp, as CEP's output does; a distinct alert's
 *       events are the latest of each value, oldest first.
 * </ul>
 *
 * <p>State per key: the waiting events, the window (at most n-1 events) and event-time timers; a
 * timer at the oldest window event's expiry drops it, so a key that goes quiet leaves nothing. A
 * distinct window as a list rather than a map of values: it keeps the events the evidence needs and
 * its head is always the next to expire.
 */
public final class ThresholdMatcher extends KeyedProcessFunction<String, AccessEvent, Alert> {
    private static final long serialVersionUID = 1L;

    private final Rule rule;
    private final OutputTag<AccessEvent> late;
    private final boolean distinct;
    private transient MapState<Long, List<AccessEvent>> waiting;
    private transient ValueState<List<AccessEvent>> window;
    private transient int threshold;
    private transient long within;

    /**
     * @param rule a threshold or distinct rule (one step)
     * @param late where events behind the watermark go
     */
    public ThresholdMatcher(Rule rule, OutputTag<AccessEvent> late) {
        if (rule.isSequence()) {
            throw new IllegalArgumentException(
                    "rule " + rule.id() + " is a sequence; only threshold rules count");
        }
        this.rule = rule;
        this.late = late;
        this.distinct = rule.isDistinct();
    }

    @Override
    public void open(OpenContext openContext) {
        TypeInformation<List<AccessEvent>> events =
                new ListTypeInfo<>(TypeInformation.of(AccessEvent.class));
        waiting =
                getRuntimeContext()
                        .getMapState(new MapStateDescriptor<>("waiting", Types.LONG, events));
        window = getRuntimeContext().getState(new ValueStateDescriptor<>("window", events));
        threshold = rule.minimumEvents();
        within = rule.within().toMillis();
    }

    @Override
    public void processElement(AccessEvent event, Context ctx, Collector<Alert> out)
            throws Exception {
        long ts = ctx.timestamp();
        if (ts <= ctx.timerService().currentWatermark()) {
            ctx.output(late, event);
            return;
        }
        if (distinct && rule.distinctValue(event) == null) {
            return;
        }
        List<AccessEvent> atTs = waiting.get(ts);
        if (atTs == null) {
            atTs = new ArrayList<>(2);
            // One timer per distinct timestamp: it fires once the watermark has passed it.
            ctx.timerService().registerEventTimeTimer(ts);
        }
        atTs.add(event);
        waiting.put(ts, atTs);
    }

    @Override
    public void onTimer(long ts, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        List<AccessEvent> win = window.value();
        if (win != null) {
            // Also the expiry timer of the window's oldest event, whether or not events wait.
            // Every waiting event has the timestamp ts, so one expiry holds for all of them.
            expire(win, ts);
        }
        List<AccessEvent> ready = waiting.get(ts);
        if (ready != null) {
            waiting.remove(ts);
            if (win == null) {
                win = new ArrayList<>(Math.min(threshold, 16));
            }
            for (AccessEvent event : ready) {
                if (distinct) {
                    removeValue(win, rule.distinctValue(event));
                }
                win.add(event);
                if (win.size() >= threshold) {
                    // The collector stamps the alert with ts: the completing event's timestamp.
                    out.collect(
                            Alerts.fromMatch(
                                    rule, win, ctx.timerService().currentProcessingTime()));
                    win = new ArrayList<>(Math.min(threshold, 16));
                }
            }
        }
        if (win == null || win.isEmpty()) {
            window.clear();
        } else {
            window.update(win);
            // Fires when the oldest event can no longer be part of a match.
            ctx.timerService().registerEventTimeTimer(win.get(0).timestamp() + within);
        }
    }

    /** Drops the event of {@code value}, if the window has one: a later one takes its place. */
    private void removeValue(List<AccessEvent> win, String value) {
        for (int i = 0; i < win.size(); i++) {
            if (value.equals(rule.distinctValue(win.get(i)))) {
                win.remove(i);
                return;
            }
        }
    }

    /** Drops the events that a match ending at {@code now} could not include. */
    private void expire(List<AccessEvent> win, long now) {
        int drop = 0;
        while (drop < win.size() && now - win.get(drop).timestamp() >= within) {
            drop++;
        }
        if (drop > 0) {
            win.subList(0, drop).clear();
        }
    }
}
