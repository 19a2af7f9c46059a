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
 * Matches a distinct rule ({@code distinct: f}, {@code threshold: n}): fires when the matching
 * events of one key hold n different non-null values of the field {@code f} within {@code within}.
 * It follows {@link ThresholdMatcher}'s event-time contract step by step, counting values where
 * that counts events:
 *
 * <ul>
 *   <li>an event at or behind the current watermark is late: it goes to the late side output;
 *   <li>an event without the field ({@link Rule#distinctValue} is null) takes part in no count: it
 *       is dropped (after the late check, so a late one is still a dead letter);
 *   <li>other events wait in state until the watermark passes their timestamp and are then
 *       processed in timestamp order, events with equal timestamps in arrival order;
 *   <li>processing an event at {@code t} first drops the window's values whose latest event has
 *       {@code t - ts >= within} (so the window is {@code (t - within, t]}, the edge the threshold
 *       rule and CEP's {@code within} use), then adds its value; when the window holds n values,
 *       that is a match, and the window is emptied (as a threshold match skips past its last
 *       event);
 *   <li>the match, and the alert's evidence, is the latest event of each value in the window,
 *       oldest first: {@code count} and {@code distinct_count} are both n; the alert carries the
 *       completing event's timestamp.
 * </ul>
 *
 * <p>State per key: the waiting events, the window and event-time timers. The window is a list
 * with, for each value, only its latest event, in timestamp order: a repeated value moves to the
 * end, so the head is always the next value to expire and a repeat costs no state. It holds at most
 * n-1 values (the n-th is a match and empties it), the same bound as a threshold rule's window, and
 * a list rather than a {@code MapState<String, Long>} plus an ordered buffer because it keeps the
 * events the evidence needs, needs no stale-entry bookkeeping, and is read once per timestamp. A
 * timer at the head's expiry drops it, so a key that goes quiet leaves nothing.
 */
public final class DistinctMatcher extends KeyedProcessFunction<String, AccessEvent, Alert> {
    private static final long serialVersionUID = 1L;

    private final Rule rule;
    private final OutputTag<AccessEvent> late;
    private transient MapState<Long, List<AccessEvent>> waiting;
    private transient ValueState<List<AccessEvent>> window;
    private transient int threshold;
    private transient long within;

    /**
     * @param rule a distinct rule ({@link Rule#isDistinct})
     * @param late where events behind the watermark go
     */
    public DistinctMatcher(Rule rule, OutputTag<AccessEvent> late) {
        if (!rule.isDistinct()) {
            throw new IllegalArgumentException(
                    "rule " + rule.id() + " has no 'distinct'; only distinct rules count values");
        }
        this.rule = rule;
        this.late = late;
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
        if (rule.distinctValue(event) == null) {
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
            // Also the expiry timer of the window's oldest value, whether or not events wait.
            expire(win, ts);
        }
        List<AccessEvent> ready = waiting.get(ts);
        if (ready != null) {
            waiting.remove(ts);
            if (win == null) {
                win = new ArrayList<>(Math.min(threshold, 16));
            }
            for (AccessEvent event : ready) {
                // Every event here has the timestamp ts: the expiry above holds for all of them.
                add(win, event);
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
            // Fires when the oldest value can no longer be part of a match.
            ctx.timerService().registerEventTimeTimer(win.get(0).timestamp() + within);
        }
    }

    /** Makes {@code event} the latest of its value: an older event of that value leaves. */
    private void add(List<AccessEvent> win, AccessEvent event) {
        String value = rule.distinctValue(event);
        for (int i = 0; i < win.size(); i++) {
            if (value.equals(rule.distinctValue(win.get(i)))) {
                win.remove(i);
                break;
            }
        }
        win.add(event);
    }

    /** Drops the values whose latest event a match ending at {@code now} could not include. */
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
