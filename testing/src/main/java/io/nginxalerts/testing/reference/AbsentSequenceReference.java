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
 * The definition of a sequence rule whose last step is absent, evaluated literally in plain Java
 * over a whole bounded input, to check the Flink job (CEP with {@code notFollowedBy} as the last
 * part, suppression, {@code EndOfInputGate}) against. Nothing incremental: O(n²) per key.
 *
 * <p>The definition is Flink CEP's documented semantics for the pattern the job compiles (steps
 * joined by {@code followedBy}, a step with {@code at_least: n > 1} as {@code
 * times(n).consecutive()}, the absent step as {@code notFollowedBy}, {@code within}, skip past the
 * last event), written out for this pattern class:
 *
 * <ol>
 *   <li>Take the events that match some step of the rule (the absent one included) and have a key;
 *       per key, in timestamp order, equal timestamps in arrival order (CEP's order for events of
 *       one timestamp). Call this the key's stream.
 *   <li>Every event {@code s} of the stream that matches the first step starts one attempt, with
 *       {@code start = ts(s)}. The attempt takes the steps in order: a step's first event is the
 *       next event of the stream that matches it (events that do not are skipped; {@code s} itself
 *       for the first step); its other {@code n - 1} events are the events of the stream right
 *       after it, each of which must match the step (else the attempt fails). Every taken event
 *       must have {@code ts - start < within} (else it fails: timed out).
 *   <li>Once the present steps are complete at their last event {@code L}, the attempt fails if an
 *       event of the stream after {@code L} with {@code ts < start + within} matches the absent
 *       step (an event at {@code start + within} or later is too late to prevent it; {@code L}
 *       itself does not count). Otherwise it succeeds: a match of the present steps' events, due at
 *       {@code deadline = start + within}.
 *   <li>Skip past the last event: successful attempts are taken in order of their start; one is a
 *       match unless it started at or before the last event of the previous match.
 *   <li>Matches become candidates ({@code Alerts.fromMatch}), and candidates episodes ({@link
 *       ReferenceEvaluator#episodes}), undecided ones included (they extend episodes).
 *   <li>End of input: the input is bounded, and its end is no evidence of absence. A firing record
 *       is given only if some event of the whole input (any event, any key) has {@code ts >=
 *       deadline}; a resolved record only if one has {@code ts >= ends_at + within}.
 * </ol>
 *
 * <p>Where CEP and a literal reading of "no event of the absent step within {@code within} of the
 * first step's first event" could differ, this follows CEP: an event of the absent step that comes
 * before the present steps are complete does not prevent a match (it only breaks a step's run of
 * consecutive events, like any other event of the rule).
 */
public final class AbsentSequenceReference {
    private AbsentSequenceReference() {}

    /**
     * What the definition gives for one rule over a bounded input.
     *
     * @param alerts the firing and resolved records (with {@code detectedAt} 0)
     * @param prevented attempts whose present steps completed but an absent event came in time
     * @param undecidedAtEnd matches left out because no event reached their deadline
     */
    public record Evaluation(List<Alert> alerts, int prevented, int undecidedAtEnd) {}

    /** A match: the present steps' events, in stream order, and its deadline. */
    public record Match(List<AccessEvent> events, long deadline) {}

    /**
     * @param events every event of the bounded input that reached the rules on time, in arrival
     *     order (events of no step of the rule count too: for the end of input)
     * @return the alerts, with {@code detectedAt} 0
     */
    public static List<Alert> alerts(Rule rule, List<AccessEvent> events) {
        return evaluate(rule, events).alerts();
    }

    /** As {@link #alerts}, with the counts that show what the input exercised. */
    public static Evaluation evaluate(Rule rule, List<AccessEvent> events) {
        Step last = rule.steps().get(rule.steps().size() - 1);
        if (!rule.isSequence() || !last.absent()) {
            throw new IllegalArgumentException(rule.id() + " is no sequence with an absent step");
        }
        long largest = Long.MIN_VALUE;
        Map<String, List<AccessEvent>> byKey = new LinkedHashMap<>();
        for (AccessEvent e : events) {
            largest = Math.max(largest, e.timestamp());
            String key = rule.keyOf(e);
            if (rule.isRelevant(e) && key != null) {
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
            }
        }
        List<Alert> candidates = new ArrayList<>();
        Map<Alert, Long> deadlines = new java.util.IdentityHashMap<>();
        int[] prevented = new int[1];
        for (List<AccessEvent> stream : byKey.values()) {
            // List.sort is stable: equal timestamps keep their arrival order.
            stream.sort(Comparator.comparingLong(AccessEvent::timestamp));
            for (Match match : matches(rule, stream, prevented)) {
                Alert alert = Alerts.fromMatch(rule, match.events(), 0L);
                candidates.add(alert);
                deadlines.put(alert, match.deadline());
            }
        }
        List<Alert> records =
                ReferenceEvaluator.episodes(rule, candidates, deadlines::get, largest);
        int undecided = 0;
        java.util.Set<String> given = new java.util.HashSet<>();
        for (Alert r : records) {
            given.add(r.id());
        }
        // Firing records of episodes whose first match no event reached the deadline of.
        for (Alert c : candidates) {
            if (deadlines.get(c) > largest && !given.contains(c.id())) {
                undecided++;
            }
        }
        return new Evaluation(records, prevented[0], undecided);
    }

    /**
     * The matches of one key's stream (steps 2 to 4 of the definition), as if event time passed
     * every deadline.
     */
    public static List<Match> matches(Rule rule, List<AccessEvent> stream) {
        return matches(rule, stream, new int[1]);
    }

    private static List<Match> matches(Rule rule, List<AccessEvent> stream, int[] prevented) {
        List<Step> present = rule.steps().subList(0, rule.steps().size() - 1);
        Step absent = rule.steps().get(rule.steps().size() - 1);
        long within = rule.within().toMillis();
        List<Match> matches = new ArrayList<>();
        int lastOfPreviousMatch = -1;
        for (int s = 0; s < stream.size(); s++) {
            long start = stream.get(s).timestamp();
            List<Integer> taken = attempt(present, stream, s, start + within);
            if (taken == null) {
                continue;
            }
            int lastTaken = taken.get(taken.size() - 1);
            boolean absentCame = false;
            for (int j = lastTaken + 1; j < stream.size(); j++) {
                AccessEvent e = stream.get(j);
                if (e.timestamp() >= start + within) {
                    break;
                }
                if (absent.condition().test(e)) {
                    absentCame = true;
                    break;
                }
            }
            if (absentCame) {
                prevented[0]++;
                continue;
            }
            if (s <= lastOfPreviousMatch) {
                continue;
            }
            List<AccessEvent> events = new ArrayList<>();
            for (int i : taken) {
                events.add(stream.get(i));
            }
            matches.add(new Match(events, start + within));
            lastOfPreviousMatch = lastTaken;
        }
        return matches;
    }

    /**
     * The indexes of the events an attempt starting at {@code s} takes for the present steps, or
     * null if it fails before they are complete. {@link SequenceReference} takes a sequence without
     * an absent step the same way.
     */
    static List<Integer> attempt(List<Step> present, List<AccessEvent> stream, int s, long end) {
        List<Integer> taken = new ArrayList<>();
        int next = s;
        for (int k = 0; k < present.size(); k++) {
            Step step = present.get(k);
            // The step's first event: s itself for the first step, else the next that matches.
            int first = next;
            if (k == 0) {
                if (!step.condition().test(stream.get(s))) {
                    return null;
                }
            } else {
                while (first < stream.size()
                        && stream.get(first).timestamp() < end
                        && !step.condition().test(stream.get(first))) {
                    first++;
                }
            }
            for (int i = first; i < first + step.atLeast(); i++) {
                if (i >= stream.size()
                        || stream.get(i).timestamp() >= end
                        || !step.condition().test(stream.get(i))) {
                    return null;
                }
                taken.add(i);
            }
            next = first + step.atLeast();
        }
        return taken;
    }
}
