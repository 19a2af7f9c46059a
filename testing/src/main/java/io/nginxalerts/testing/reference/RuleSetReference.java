package io.nginxalerts.testing.reference;

import io.nginxalerts.core.alert.Alert;
import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole rule set evaluated by the literal references, as the job would evaluate it over the same
 * bounded input: each rule by the reference of its kind ({@link ReferenceEvaluator}, {@link
 * SequenceReference}, {@link AbsentSequenceReference}), then turned into episodes per rule and key
 * (firing and resolved records). No Flink, so a rule set over a few thousand events takes
 * milliseconds.
 *
 * <p>The input is what reached the rules: events of a bounded input, none late. Event time starts
 * at the earliest event (first-seen rules learn from there) and ends at the latest (silences and
 * absences whose deadline no event reached are not given).
 */
public final class RuleSetReference {
    private RuleSetReference() {}

    /**
     * @param events the events, in arrival order
     * @return per rule (in the order given, every rule present), its alerts after suppression
     */
    public static Map<Rule, List<Alert>> alerts(List<Rule> rules, List<AccessEvent> events) {
        Map<Rule, List<Alert>> alerts = new LinkedHashMap<>();
        for (Rule rule : rules) {
            alerts.put(rule, alerts(rule, events));
        }
        return alerts;
    }

    /** The alerts of one rule, after suppression. */
    public static List<Alert> alerts(Rule rule, List<AccessEvent> events) {
        if (!rule.isSequence()) {
            return ReferenceEvaluator.records(rule, events);
        }
        if (rule.steps().get(rule.steps().size() - 1).absent()) {
            // Its undecided matches still extend episodes.
            return AbsentSequenceReference.alerts(rule, events);
        }
        long largest = Long.MIN_VALUE;
        for (AccessEvent e : events) {
            largest = Math.max(largest, e.timestamp());
        }
        return ReferenceEvaluator.episodes(
                rule, SequenceReference.alerts(rule, events), a -> Long.MIN_VALUE, largest);
    }
}
