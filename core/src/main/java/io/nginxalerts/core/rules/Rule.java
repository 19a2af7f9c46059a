package io.nginxalerts.core.rules;

import io.nginxalerts.core.event.AccessEvent;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated alerting rule, loaded from one {@code rules/<id>.yaml} file.
 *
 * <p>Guarantees: {@code id} is non-empty and unique within a rule set; {@code groupBy} and {@code
 * steps} are non-empty and immutable; {@code within} is positive and {@code suppress} is not
 * negative ({@link Duration#ZERO} means no suppression). Every rule, threshold or sequence, is a
 * list of steps that must occur in order within {@code within} of event time.
 *
 * <p>A distinct rule ({@code distinct} set) has one step whose {@code atLeast} (at least 2) counts
 * different values of the {@code distinct} field among the step's events of one key, not events.
 *
 * @param source where the rule came from ({@code rules/x.yaml}), for messages
 * @param distinct the field whose different values a distinct rule counts (a name that {@code
 *     group_by} accepts too), or {@code null} for threshold and sequence rules
 */
public record Rule(
        String id,
        String description,
        Severity severity,
        List<String> groupBy,
        List<Step> steps,
        Duration within,
        Duration suppress,
        String source,
        String distinct)
        implements Serializable {

    /** Separates group-by values in a {@link #keyOf} string; never appears in log fields. */
    public static final char KEY_SEPARATOR = '\u001f';

    public Rule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(severity, "severity");
        groupBy = List.copyOf(groupBy);
        steps = List.copyOf(steps);
        Objects.requireNonNull(within, "within");
        Objects.requireNonNull(suppress, "suppress");
        if (groupBy.isEmpty() || steps.isEmpty()) {
            throw new IllegalArgumentException("rule " + id + " needs group_by and steps");
        }
        description = description == null ? "" : description;
        if (distinct != null && (steps.size() != 1 || steps.get(0).atLeast() < 2)) {
            throw new IllegalArgumentException(
                    "rule " + id + ": distinct needs one step with a threshold of at least 2");
        }
    }

    /** A threshold or sequence rule (no {@code distinct}). */
    public Rule(
            String id,
            String description,
            Severity severity,
            List<String> groupBy,
            List<Step> steps,
            Duration within,
            Duration suppress,
            String source) {
        this(id, description, severity, groupBy, steps, within, suppress, source, null);
    }

    /** True if the rule counts different values of {@link #distinct} rather than events. */
    public boolean isDistinct() {
        return distinct != null;
    }

    /**
     * The value of the {@code distinct} field of an event, read as {@code group_by} reads fields;
     * {@code null} if the event lacks it (such an event takes part in no count) or the rule is not
     * a distinct rule.
     */
    public String distinctValue(AccessEvent event) {
        return distinct == null ? null : RuleFieldNames.text(event, distinct);
    }

    public boolean isSequence() {
        return steps.size() > 1;
    }

    /** True if the event can take part in this rule: it matches at least one step. */
    public boolean isRelevant(AccessEvent event) {
        for (Step step : steps) {
            if (step.condition().test(event)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The grouping key of an event for this rule, or {@code null} if the event lacks one of the
     * {@code group_by} fields (such an event takes no part in the rule).
     */
    public String keyOf(AccessEvent event) {
        if (groupBy.size() == 1) {
            return RuleFieldNames.text(event, groupBy.get(0));
        }
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < groupBy.size(); i++) {
            String value = RuleFieldNames.text(event, groupBy.get(i));
            if (value == null) {
                return null;
            }
            if (i > 0) {
                key.append(KEY_SEPARATOR);
            }
            key.append(value);
        }
        return key.toString();
    }

    /** The {@code group_by} fields of an event as an ordered map, as written in alerts. */
    public Map<String, String> keyFields(AccessEvent event) {
        Map<String, String> key = new LinkedHashMap<>();
        for (String field : groupBy) {
            key.put(field, RuleFieldNames.text(event, field));
        }
        return key;
    }

    /** Total number of events a match of this rule holds at the minimum. */
    public int minimumEvents() {
        int n = 0;
        for (Step step : steps) {
            n += step.atLeast();
        }
        return n;
    }
}
