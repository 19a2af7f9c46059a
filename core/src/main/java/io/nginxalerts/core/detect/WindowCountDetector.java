package io.nginxalerts.core.detect;

import io.nginxalerts.core.alert.Alerts;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import java.util.ArrayList;

/**
 * Threshold rules ({@code threshold: n}: n matching events within {@code within}) and distinct
 * rules ({@code distinct: f} with {@code threshold: n}: n different values of {@code f}) on one
 * sliding window per key. It gives exactly the matches of the rule's CEP pattern ({@code
 * times(n).consecutive().within(w)}, skip past the last event) for a threshold rule, and the same
 * window counting values for a distinct rule:
 *
 * <ul>
 *   <li>{@link #advance} at {@code t} drops window events with {@code t - ts >= within} (CEP's
 *       timeout of a partial match), so an event exactly {@code within} after another is not in its
 *       window;
 *   <li>an event is appended; for a distinct rule an event without the field takes part in no
 *       count, and an older event of the same value leaves the window first, so the window holds
 *       the latest event of each value;
 *   <li>the n-th event (value) in the window is a match of the window: the alert is {@link
 *       Alerts#fromMatch} of the window, oldest first, and the window is emptied (skip past the
 *       last event).
 * </ul>
 *
 * <p>State per key: the window, at most n-1 events; it expires {@code within} after its oldest
 * event ({@link #nextDeadline}), so a key that goes quiet leaves nothing. A distinct window is a
 * list rather than a map of values: it keeps the events the evidence needs and its head is always
 * the next to expire.
 */
public final class WindowCountDetector implements Detector<WindowCountDetector.Window> {
    private static final long serialVersionUID = 1L;

    /** The per-key state: the window's events in the order they were taken, oldest first. */
    public static final class Window {
        /** Read and written by the detector only; a plain field for Kryo. */
        ArrayList<AccessEvent> events = new ArrayList<>(4);

        /**
         * For a distinct rule, the value of each event in {@link #events} (same index), kept so
         * that each event's value is computed once, not again for every later event of the key (a
         * decoded field costs a decode and a lower-casing). Null for threshold rules, and in state
         * written before it existed: then rebuilt from the events.
         */
        ArrayList<String> values;

        public Window() {}

        /** The number of events in the window. */
        public int size() {
            return events.size();
        }
    }

    private final Rule rule;
    private final int threshold;
    private final long within;
    private final boolean distinct;

    /**
     * @param rule a threshold ({@link RuleKind.Count}) or distinct ({@link RuleKind.Distinct}) rule
     */
    public WindowCountDetector(Rule rule) {
        if (!(rule.kind() instanceof RuleKind.Count || rule.kind() instanceof RuleKind.Distinct)) {
            throw new IllegalArgumentException(
                    "rule " + rule.id() + " is not a threshold or distinct rule");
        }
        this.rule = rule;
        this.threshold = rule.minimumEvents();
        this.within = rule.within().toMillis();
        this.distinct = rule.isDistinct();
    }

    @Override
    public Window newState() {
        return new Window();
    }

    @Override
    public void advance(Window state, long now, DetectorContext ctx) {
        ArrayList<AccessEvent> win = state.events;
        int drop = 0;
        while (drop < win.size() && now - win.get(drop).timestamp() >= within) {
            drop++;
        }
        if (drop > 0) {
            win.subList(0, drop).clear();
            if (state.values != null) {
                state.values.subList(0, Math.min(drop, state.values.size())).clear();
            }
        }
    }

    @Override
    public void onEvent(Window state, AccessEvent event, long ts, DetectorContext ctx) {
        ArrayList<AccessEvent> win = state.events;
        if (distinct) {
            String value = rule.distinctValue(event);
            if (value == null) {
                return;
            }
            ArrayList<String> values = valuesOf(state);
            int at = values.indexOf(value);
            if (at >= 0) {
                // The older event of this value leaves; the window keeps the latest of each.
                win.remove(at);
                values.remove(at);
            }
            values.add(value);
        }
        win.add(event);
        if (win.size() >= threshold) {
            // fromMatch copies what it keeps, so the window can be emptied in place.
            ctx.emit(Alerts.fromMatch(rule, win, ctx.processingTime()));
            win.clear();
            if (state.values != null) {
                state.values.clear();
            }
        }
    }

    /** The distinct values of the window, rebuilt if the state lacks them or they drifted. */
    private ArrayList<String> valuesOf(Window state) {
        ArrayList<String> values = state.values;
        if (values == null || values.size() != state.events.size()) {
            values = new ArrayList<>(Math.max(4, state.events.size() + 1));
            for (AccessEvent e : state.events) {
                values.add(rule.distinctValue(e));
            }
            state.values = values;
        }
        return values;
    }

    @Override
    public long nextDeadline(Window state) {
        return state.events.isEmpty() ? Long.MAX_VALUE : state.events.get(0).timestamp() + within;
    }

    /** When the newest event leaves the window: expiries before then emit nothing. */
    @Override
    public long nextTimer(Window state) {
        ArrayList<AccessEvent> win = state.events;
        return win.isEmpty() ? Long.MAX_VALUE : win.get(win.size() - 1).timestamp() + within;
    }

    @Override
    public boolean isEmpty(Window state) {
        return state.events.isEmpty();
    }
}
