package io.nginxalerts.testing.reference;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.detect.Detector;
import io.nginxalerts.core.detect.DetectorContext;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link Detector} over a bounded input exactly as its contract says, without Flink: per
 * key, events in timestamp order (equal timestamps in arrival order), {@code advance(t)} before the
 * events at {@code t}, the detector's deadlines as timers that fire when event time reaches them,
 * and a state dropped as soon as it is empty. Its output is comparable with {@link
 * ReferenceEvaluator}'s.
 */
public final class DetectorDriver {
    private DetectorDriver() {}

    /**
     * What the detector did.
     *
     * @param alerts per key (keys in order of their first event), in the order emitted
     * @param evictions how often the detector called {@link DetectorContext#evicted}
     * @param statesLeft keys whose state was not empty at the end
     */
    public record Result(List<Alert> alerts, long evictions, int statesLeft) {}

    /**
     * @param events the input, in arrival order
     * @param inputStart what {@link DetectorContext#inputStart} answers
     * @param maxEventTime how far event time gets after the last event: deadlines up to it fire
     *     ({@link Long#MAX_VALUE}: all of them, as when keys go quiet in a stream)
     */
    public static <S> Result run(
            Rule rule,
            Detector<S> detector,
            List<AccessEvent> events,
            long inputStart,
            long maxEventTime) {
        Context ctx = new Context(inputStart);
        int left = 0;
        for (Map.Entry<String, List<AccessEvent>> key :
                ReferenceEvaluator.byKey(rule, events).entrySet()) {
            S state = null;
            for (AccessEvent event : key.getValue()) {
                long t = event.timestamp();
                state = timers(detector, state, t - 1, ctx);
                if (state == null) {
                    state = detector.newState();
                }
                detector.advance(state, t, ctx);
                detector.onEvent(state, event, t, ctx);
                if (detector.isEmpty(state)) {
                    state = null;
                }
            }
            state = timers(detector, state, maxEventTime, ctx);
            if (state != null) {
                left++;
            }
        }
        return new Result(ctx.alerts, ctx.evictions, left);
    }

    /** Fires the detector's deadlines at or before {@code until}, as event-time timers do. */
    private static <S> S timers(Detector<S> detector, S state, long until, Context ctx) {
        while (state != null) {
            long deadline = detector.nextDeadline(state);
            if (deadline == Long.MAX_VALUE || deadline > until) {
                return state;
            }
            detector.advance(state, deadline, ctx);
            if (detector.isEmpty(state)) {
                return null;
            }
            if (detector.nextDeadline(state) <= deadline) {
                throw new IllegalStateException(
                        "advance(" + deadline + ") left the deadline where it was");
            }
        }
        return null;
    }

    private static final class Context implements DetectorContext {
        final List<Alert> alerts = new ArrayList<>();
        final long inputStart;
        long evictions;

        Context(long inputStart) {
            this.inputStart = inputStart;
        }

        @Override
        public void emit(Alert alert) {
            alerts.add(alert);
        }

        @Override
        public long processingTime() {
            return 0L;
        }

        @Override
        public long inputStart() {
            return inputStart;
        }

        @Override
        public void evicted() {
            evictions++;
        }
    }
}
