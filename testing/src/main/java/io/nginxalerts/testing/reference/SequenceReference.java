package io.nginxalerts.testing.reference;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.alert.Alerts;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import io.nginxalerts.core.rules.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The definition of a sequence rule whose steps are all present, evaluated literally in plain Java
 * over a whole bounded input: the Flink CEP semantics of the pattern the job compiles (README "How
 * a sequence rule runs": each step {@code times(n).consecutive()} among the rule's own events,
 * steps joined by {@code followedBy}, {@code within}, skip past the last event), written out:
 *
 * <ol>
 *   <li>Take the events that match some step of the rule and have a key; per key, in timestamp
 *       order, equal timestamps in arrival order. Call this the key's stream.
 *   <li>Every event {@code s} of the stream that matches the first step starts one attempt, with
 *       {@code start = ts(s)}. The attempt takes the steps in order: a step's first event is the
 *       next event of the stream that matches it ({@code s} itself for the first step; events that
 *       do not match are skipped); its other {@code n - 1} events are the events of the stream
 *       right after it, each of which must match the step (else the attempt fails). Every taken
 *       event must have {@code ts - start < within} (else it fails: timed out).
 *   <li>An attempt that takes all steps is complete at its last event. Skip past the last event:
 *       complete attempts are taken in order of their start (which is also the order in which they
 *       complete); one is a match unless it started at or before the last event of the previous
 *       match.
 *   <li>A match becomes an alert ({@link Alerts#fromMatch}); suppression is not applied here
 *       ({@link ReferenceEvaluator#suppressed} does it).
 * </ol>
 *
 * <p>A match is complete at an event, so, unlike {@link AbsentSequenceReference}, the end of input
 * decides nothing. O(n²) per key: meant for small inputs and checks, not for speed.
 */
public final class SequenceReference {
    private SequenceReference() {}

    /**
     * @param events the whole input, in arrival order
     * @return the alerts, per key (keys in order of their first relevant event), with {@code
     *     detectedAt} 0, not suppressed
     */
    public static List<Alert> alerts(Rule rule, List<AccessEvent> events) {
        if (!rule.isSequence() || rule.steps().get(rule.steps().size() - 1).absent()) {
            throw new IllegalArgumentException(
                    rule.id() + " is no sequence of present steps (see AbsentSequenceReference)");
        }
        Map<String, List<AccessEvent>> byKey = new LinkedHashMap<>();
        for (AccessEvent e : events) {
            String key = rule.keyOf(e);
            if (key != null && rule.isRelevant(e)) {
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
            }
        }
        List<Alert> alerts = new ArrayList<>();
        for (List<AccessEvent> stream : byKey.values()) {
            // List.sort is stable: equal timestamps keep their arrival order.
            stream.sort(Comparator.comparingLong(AccessEvent::timestamp));
            for (List<AccessEvent> match : matches(rule, stream)) {
                alerts.add(Alerts.fromMatch(rule, match, 0L));
            }
        }
        return alerts;
    }

    /** The matches of one key's stream (steps 2 and 3 of the definition), each its events. */
    public static List<List<AccessEvent>> matches(Rule rule, List<AccessEvent> stream) {
        List<Step> steps = rule.steps();
        long within = rule.within().toMillis();
        List<List<AccessEvent>> matches = new ArrayList<>();
        int lastOfPreviousMatch = -1;
        for (int s = 0; s < stream.size(); s++) {
            if (s <= lastOfPreviousMatch) {
                continue;
            }
            List<Integer> taken =
                    AbsentSequenceReference.attempt(
                            steps, stream, s, stream.get(s).timestamp() + within);
            if (taken == null) {
                continue;
            }
            List<AccessEvent> match = new ArrayList<>();
            for (int i : taken) {
                match.add(stream.get(i));
            }
            matches.add(match);
            lastOfPreviousMatch = taken.get(taken.size() - 1);
        }
        return matches;
    }
}
