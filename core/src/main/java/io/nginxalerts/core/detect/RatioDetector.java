package io.nginxalerts.core.detect;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.Alerts;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.RuleKind;
import io.nginxalerts.core.rules.Share;
import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * A ratio rule ({@code ratio: {of, at_least, min_events}}): fires at an event when the window of
 * the key's matching events within {@code within} (after its last firing) holds at least {@code
 * min_events} events and the share of them that pass {@code of} is at least {@code at_least},
 * compared exactly ({@code hits * D >= N * events} with {@code at_least = N / D} as written). A
 * firing empties the window.
 *
 * <p>State per key: the window's timestamps and hit flags, its hit count, and the latest 5 hits
 * (the evidence). O(1) amortised work per event.
 */
public final class RatioDetector implements Detector<RatioDetector.State> {
    private static final long serialVersionUID = 1L;

    private final Rule rule;
    private final RuleKind.Ratio kind;
    private final long within;
    private final Share share;

    public RatioDetector(Rule rule) {
        if (!(rule.kind() instanceof RuleKind.Ratio ratio)) {
            throw new IllegalArgumentException("rule " + rule.id() + " is not a ratio rule");
        }
        this.rule = rule;
        this.kind = ratio;
        this.within = rule.within().toMillis();
        // The exact decimal the rule wrote (the parser's Share), so 1 of 20 reaches 5%.
        this.share = Share.of(ratio.atLeast());
    }

    /** The per-key window. */
    public static final class State {
        LongQueue times = new LongQueue();

        /** 1 for an event that passed {@code of}, else 0; parallel to {@code times}. */
        LongQueue hitFlags = new LongQueue();

        int hits;

        /** The latest hits of the window, at most {@link Alert#MAX_EVIDENCE}, oldest first. */
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
            s.hits -= (int) s.hitFlags.removeFirst();
        }
        while (!s.evidence.isEmpty() && now - s.evidence.peekFirst().timestamp() >= within) {
            s.evidence.removeFirst();
        }
    }

    @Override
    public void onEvent(State s, AccessEvent event, long ts, DetectorContext ctx) {
        boolean hit = kind.of().test(event);
        s.times.addLast(ts);
        s.hitFlags.addLast(hit ? 1 : 0);
        if (hit) {
            s.hits++;
            s.evidence.addLast(event);
            if (s.evidence.size() > Alert.MAX_EVIDENCE) {
                s.evidence.removeFirst();
            }
        }
        int size = s.times.size();
        if (size >= kind.minEvents() && reaches(s.hits, size)) {
            ctx.emit(
                    Alerts.ratio(
                            rule,
                            new ArrayList<>(s.evidence),
                            s.hits,
                            size,
                            s.times.first(),
                            ts,
                            ctx.processingTime()));
            s.times.clear();
            s.hitFlags.clear();
            s.hits = 0;
            s.evidence.clear();
        }
    }

    /** {@code hits / size} reaches the rule's share, in exact integer arithmetic. */
    boolean reaches(long hits, long size) {
        // hits <= size < 2^31 and the share's terms are at most 10^6: no overflow.
        return share.reachedBy(hits, size);
    }

    @Override
    public long nextDeadline(State s) {
        return s.times.isEmpty() ? Long.MAX_VALUE : s.times.first() + within;
    }

    /** When the newest event leaves the window: a ratio fires at events, never at an expiry. */
    @Override
    public long nextTimer(State s) {
        return s.times.isEmpty() ? Long.MAX_VALUE : s.times.last() + within;
    }

    @Override
    public boolean isEmpty(State s) {
        return s.times.isEmpty();
    }
}
