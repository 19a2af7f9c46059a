package io.nginxalerts.core.detect;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.Alerts;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A silence rule ({@code silent_for: d} with {@code min_events: m}): after a key's matching event
 * at {@code t} that had at least {@code m} matching events of the key within {@code within} up to
 * it (itself included), the rule fires at {@code t + d} if no further matching event of the key
 * came before {@code t + d} (one exactly at {@code t + d} comes after the firing). Firing does not
 * empty the window. The alert's deadline is {@code silentSince + silent_for}; the end of a bounded
 * input is no evidence of silence, so a caller fires it only when event time reaches it. Every
 * matching event of the key tells the caller {@link DetectorContext#conditionCleared}: the key is
 * heard, an open silence episode is resolved there.
 *
 * <p>State per key: the window's timestamps with the number of events at each, its event count, the
 * key's latest 5 events and the pending silence (since when, how many, from when). O(1) amortised
 * work per event.
 */
public final class SilenceDetector implements Detector<SilenceDetector.State> {
    private static final long serialVersionUID = 1L;

    private final Rule rule;
    private final RuleKind.Silence kind;
    private final long within;
    private final long silentFor;

    public SilenceDetector(Rule rule) {
        if (!(rule.kind() instanceof RuleKind.Silence silence)) {
            throw new IllegalArgumentException("rule " + rule.id() + " is not a silence rule");
        }
        this.rule = rule;
        this.kind = silence;
        this.within = rule.within().toMillis();
        this.silentFor = silence.silentFor().toMillis();
    }

    /** The per-key window and the pending silence. */
    public static final class State {
        /** Distinct timestamps of the window, oldest first. */
        LongQueue times = new LongQueue();

        /** The number of events at each of {@code times}. */
        LongQueue counts = new LongQueue();

        long total;

        /**
         * The key's latest events, at most {@link Alert#MAX_EVIDENCE}: not expired with the window,
         * since a silence longer than {@code within} still reports the events before it.
         */
        ArrayDeque<AccessEvent> latest = new ArrayDeque<>();

        /** True while a silence is pending: the last event had at least min_events. */
        boolean pending;

        long pendingSince;
        long pendingCount;
        long pendingFirst;
    }

    @Override
    public State newState() {
        return new State();
    }

    @Override
    public void advance(State s, long now, DetectorContext ctx) {
        if (s.pending && now >= s.pendingSince + silentFor) {
            fire(s, ctx);
        }
        while (!s.times.isEmpty() && now - s.times.first() >= within) {
            s.times.removeFirst();
            s.total -= s.counts.removeFirst();
        }
        if (s.times.isEmpty() && !s.pending) {
            s.latest.clear();
        }
    }

    private void fire(State s, DetectorContext ctx) {
        List<AccessEvent> evidence = new ArrayList<>(Alert.MAX_EVIDENCE);
        for (AccessEvent e : s.latest) {
            if (s.pendingSince - e.timestamp() < within) {
                evidence.add(e);
            }
        }
        ctx.emit(
                Alerts.silence(
                        rule,
                        evidence,
                        (int) s.pendingCount,
                        s.pendingFirst,
                        s.pendingSince,
                        ctx.processingTime()));
        s.pending = false;
    }

    @Override
    public void onEvent(State s, AccessEvent event, long ts, DetectorContext ctx) {
        // The key is heard: a silence that fired is over (the caller knows whether one is open).
        ctx.conditionCleared(ts);
        if (!s.times.isEmpty() && s.times.last() == ts) {
            s.counts.setLast(s.counts.last() + 1);
        } else {
            s.times.addLast(ts);
            s.counts.addLast(1);
        }
        s.total++;
        s.latest.addLast(event);
        if (s.latest.size() > Alert.MAX_EVIDENCE) {
            s.latest.removeFirst();
        }
        s.pending = s.total >= kind.minEvents();
        if (s.pending) {
            s.pendingSince = ts;
            s.pendingCount = s.total;
            s.pendingFirst = s.times.first();
        }
    }

    @Override
    public long nextDeadline(State s) {
        long expiry = s.times.isEmpty() ? Long.MAX_VALUE : s.times.first() + within;
        return s.pending ? Math.min(expiry, s.pendingSince + silentFor) : expiry;
    }

    /**
     * The pending silence's deadline (it emits), else when the newest event leaves the window.
     * Expiries before then emit nothing; the evidence ({@code latest}) is kept until the window is
     * empty either way.
     */
    @Override
    public long nextTimer(State s) {
        long empty = s.times.isEmpty() ? Long.MAX_VALUE : s.times.last() + within;
        return s.pending ? Math.min(empty, s.pendingSince + silentFor) : empty;
    }

    @Override
    public boolean isEmpty(State s) {
        return s.times.isEmpty() && !s.pending;
    }

    /** When a pending silence fires: {@code silentSince + silent_for}. */
    public long deadline(long silentSince) {
        return silentSince + silentFor;
    }
}
