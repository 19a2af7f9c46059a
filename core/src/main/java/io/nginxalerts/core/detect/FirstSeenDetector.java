package io.nginxalerts.core.detect;

import io.nginxalerts.core.alert.Alerts;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A first-seen rule ({@code first_seen: field} with {@code learn_for} and {@code max_values}):
 * fires at an event whose value of {@code field} the key has not seen within {@code within}, once
 * event time is at least {@link DetectorContext#inputStart} plus {@code learn_for}. Events without
 * the field take no part. No reset.
 *
 * <p>State per key: each value with the time it was last seen (expired {@code within} after), at
 * most {@code max_values}; beyond that the value seen longest ago goes first (ties: the smallest
 * value), and {@link DetectorContext#evicted} counts it. O(log values) work per event.
 */
public final class FirstSeenDetector implements Detector<FirstSeenDetector.State> {
    private static final long serialVersionUID = 1L;

    private final Rule rule;
    private final RuleKind.FirstSeen kind;
    private final long within;
    private final long learnFor;

    public FirstSeenDetector(Rule rule) {
        if (!(rule.kind() instanceof RuleKind.FirstSeen firstSeen)) {
            throw new IllegalArgumentException("rule " + rule.id() + " is not a first_seen rule");
        }
        this.rule = rule;
        this.kind = firstSeen;
        this.within = rule.within().toMillis();
        this.learnFor = firstSeen.learnFor().toMillis();
    }

    /** The per-key values. */
    public static final class State {
        /** Value to the time it was last seen. */
        HashMap<String, Long> lastSeen = new HashMap<>();

        /** The same, by time: the values last seen then, in String order. */
        TreeMap<Long, TreeSet<String>> byTime = new TreeMap<>();
    }

    @Override
    public State newState() {
        return new State();
    }

    @Override
    public void advance(State s, long now, DetectorContext ctx) {
        while (!s.byTime.isEmpty() && now - s.byTime.firstKey() >= within) {
            for (String value : s.byTime.pollFirstEntry().getValue()) {
                s.lastSeen.remove(value);
            }
        }
    }

    @Override
    public void onEvent(State s, AccessEvent event, long ts, DetectorContext ctx) {
        String value = Rule.fieldText(event, kind.field());
        if (value == null) {
            return;
        }
        Long previous = s.lastSeen.put(value, ts);
        if (previous == null) {
            long start = ctx.inputStart();
            if (start != Long.MIN_VALUE && ts - learnFor >= start) {
                ctx.emit(Alerts.firstSeen(rule, event, value, ctx.processingTime()));
            }
        } else {
            TreeSet<String> then = s.byTime.get(previous);
            then.remove(value);
            if (then.isEmpty()) {
                s.byTime.remove(previous);
            }
        }
        s.byTime.computeIfAbsent(ts, t -> new TreeSet<>()).add(value);
        while (s.lastSeen.size() > kind.maxValues()) {
            Map.Entry<Long, TreeSet<String>> oldest = s.byTime.firstEntry();
            String evicted = oldest.getValue().pollFirst();
            if (oldest.getValue().isEmpty()) {
                s.byTime.remove(oldest.getKey());
            }
            s.lastSeen.remove(evicted);
            ctx.evicted();
        }
    }

    @Override
    public long nextDeadline(State s) {
        return s.byTime.isEmpty() ? Long.MAX_VALUE : s.byTime.firstKey() + within;
    }

    /** When the latest value is forgotten: forgetting emits nothing. */
    @Override
    public long nextTimer(State s) {
        return s.byTime.isEmpty() ? Long.MAX_VALUE : s.byTime.lastKey() + within;
    }

    @Override
    public boolean isEmpty(State s) {
        return s.lastSeen.isEmpty();
    }
}
