package io.nginxalerts.core.rules;

import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.time.Durations;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated alerting rule, loaded from one {@code rules/<folder>/<id>.yaml} file.
 *
 * <p>Guarantees: {@code id} is non-empty and unique within a rule set; {@code groupBy} and {@code
 * steps} are non-empty and immutable; {@code within} is positive and {@code suppress} is not
 * negative; it is only the default of {@code resolveAfter} (at least {@code within}). Every rule,
 * threshold or sequence, is a list of steps that must occur in order within {@code within} of event
 * time.
 *
 * <p>{@code kind} says what decides when the rule fires ({@link RuleKind}). A sequence rule has at
 * least two steps and only its last step may be {@link Step#absent()}; every other kind has one
 * step whose condition is the rule's {@code match}. A {@link RuleKind.Distinct} rule's step has
 * {@code atLeast} at least 2 and counts different values of its field among the step's events of
 * one key, not events; ratio, value, silence and first-seen rules have {@code atLeast} 1.
 *
 * @param source where the rule came from ({@code rules/http/x.yaml}), for messages
 * @param kind what decides when the rule fires
 * @param fingerprint a hash of everything that decides which alerts the rule gives (its matching
 *     content, kind, group_by, within; not its description or severity), so that state kept for a
 *     rule can be told apart from state kept for a changed rule of the same id; never null
 * @param resolveAfter how long of event time the rule's condition must not have held for a key
 *     before its episode is resolved (see {@code io.nginxalerts.core.alert.Lifecycle}); {@code
 *     null} gives the default {@link #defaultResolveAfter}; always positive
 * @param updateEvery while an episode is firing, at most one update record per this span of event
 *     time; {@link Duration#ZERO} (or {@code null}) for none
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
        RuleKind kind,
        String fingerprint,
        Duration resolveAfter,
        Duration updateEvery)
        implements Serializable {

    /**
     * The {@code resolve_after} of a rule whose {@code suppress} and {@code within} are both zero
     * (only rules built in code can be): one minute, so an episode still needs a quiet minute.
     */
    public static final Duration RESOLVE_AFTER_FLOOR = Duration.ofMinutes(1);

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
        Objects.requireNonNull(kind, "kind");
        fingerprint = fingerprint == null ? "" : fingerprint;
        resolveAfter =
                resolveAfter == null || resolveAfter.isZero() || resolveAfter.isNegative()
                        ? defaultResolveAfter(suppress, within)
                        : resolveAfter;
        updateEvery = updateEvery == null || updateEvery.isNegative() ? Duration.ZERO : updateEvery;
        boolean sequence = kind instanceof RuleKind.Sequence;
        if (sequence != (steps.size() > 1)) {
            throw new IllegalArgumentException(
                    "rule " + id + ": a sequence has two or more steps, any other rule one");
        }
        for (int i = 0; i < steps.size() - 1; i++) {
            if (steps.get(i).absent()) {
                throw new IllegalArgumentException(
                        "rule " + id + ": only the last step of a sequence may be absent");
            }
        }
        if (!sequence && steps.get(0).absent()) {
            throw new IllegalArgumentException("rule " + id + ": only a sequence has absent steps");
        }
        if (kind instanceof RuleKind.Distinct && steps.get(0).atLeast() < 2) {
            throw new IllegalArgumentException(
                    "rule " + id + ": distinct needs one step with a threshold of at least 2");
        }
    }

    /** A rule with the default {@code resolve_after} and no {@code update_every}. */
    public Rule(
            String id,
            String description,
            Severity severity,
            List<String> groupBy,
            List<Step> steps,
            Duration within,
            Duration suppress,
            String source,
            RuleKind kind,
            String fingerprint) {
        this(
                id,
                description,
                severity,
                groupBy,
                steps,
                within,
                suppress,
                source,
                kind,
                fingerprint,
                null,
                null);
    }

    /**
     * The default {@code resolve_after}: the rule's {@code suppress}, at least its {@code within}
     * (a match's events span less than {@code within}, so a shorter quiet time would split one
     * burst into episodes), and {@link #RESOLVE_AFTER_FLOOR} if both are zero.
     */
    public static Duration defaultResolveAfter(Duration suppress, Duration within) {
        Duration d = suppress.compareTo(within) >= 0 ? suppress : within;
        return d.isZero() || d.isNegative() ? RESOLVE_AFTER_FLOOR : d;
    }

    /** The same rule with another {@code resolve_after} and {@code update_every}. */
    public Rule withLifecycle(Duration resolveAfter, Duration updateEvery) {
        return new Rule(
                id,
                description,
                severity,
                groupBy,
                steps,
                within,
                suppress,
                source,
                kind,
                fingerprint,
                resolveAfter,
                updateEvery);
    }

    /** A threshold rule (one step) or a sequence rule (several), without a fingerprint. */
    public Rule(
            String id,
            String description,
            Severity severity,
            List<String> groupBy,
            List<Step> steps,
            Duration within,
            Duration suppress,
            String source) {
        this(
                id,
                description,
                severity,
                groupBy,
                steps,
                within,
                suppress,
                source,
                steps.size() > 1 ? new RuleKind.Sequence() : new RuleKind.Count(),
                "");
    }

    /** True if the rule counts different values of {@link #distinct} rather than events. */
    public boolean isDistinct() {
        return kind instanceof RuleKind.Distinct;
    }

    /** The field a distinct rule counts, or {@code null} for every other kind. */
    public String distinct() {
        return kind instanceof RuleKind.Distinct d ? d.field() : null;
    }

    /**
     * True if the rule can fire because events stop (a {@link RuleKind.Silence} rule, or a sequence
     * whose last step is absent): such alerts are decided by event time passing a deadline, which
     * the end of a bounded input is no evidence of.
     */
    public boolean firesOnAbsence() {
        return kind instanceof RuleKind.Silence || steps.get(steps.size() - 1).absent();
    }

    /**
     * How long after its {@code lastSeen} an alert of this rule may be given, at the most: {@code
     * silent_for} for a silence rule (it fires at lastSeen + silent_for), {@code within} for a
     * sequence whose last step is absent (it fires at firstSeen + within, and firstSeen is at or
     * before lastSeen), {@link Duration#ZERO} for every other rule (it fires at the event that
     * completes it, its lastSeen).
     *
     * <p>An episode's state is kept this much longer than {@code lastMatch + resolve_after}, so
     * that a match whose lastSeen is inside the episode, but which is given after that time, still
     * finds the episode open.
     */
    public Duration alertDelay() {
        if (kind instanceof RuleKind.Silence silence) {
            return silence.silentFor();
        }
        return firesOnAbsence() ? within : Duration.ZERO;
    }

    /**
     * The value of the {@code distinct} field of an event, read as {@code group_by} reads fields;
     * {@code null} if the event lacks it (such an event takes part in no count) or the rule is not
     * a distinct rule.
     */
    public String distinctValue(AccessEvent event) {
        String field = distinct();
        return field == null ? null : RuleFieldNames.text(event, field);
    }

    /**
     * The value of any field a rule may name ({@code group_by}, {@code distinct}, {@code
     * first_seen}, {@code value}) as text, read as {@code group_by} reads fields; {@code null} if
     * the event lacks it.
     */
    public static String fieldText(AccessEvent event, String field) {
        return RuleFieldNames.text(event, field);
    }

    public boolean isSequence() {
        return kind instanceof RuleKind.Sequence;
    }

    /**
     * True if the event can take part in this rule: it matches at least one step (an absent step
     * included: its events end a partial match).
     */
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

    /**
     * What decides when the rule fires, in one line for people: {@code validate} prints it and the
     * web UI's operator names use it ({@code "≥ 20 events within 1m"}, {@code "share of 'of' ≥ 5%
     * (≥ 200 events) within 5m"}, {@code "5× → none within 10m"}).
     */
    public String describeKind() {
        String window = " within " + Durations.format(within);
        if (kind instanceof RuleKind.Distinct d) {
            return "≥ " + steps.get(0).atLeast() + " distinct " + d.field() + window;
        } else if (kind instanceof RuleKind.Ratio r) {
            return "share of 'of' ≥ "
                    + BigDecimal.valueOf(r.atLeast() * 100).stripTrailingZeros().toPlainString()
                    + "% (≥ "
                    + r.minEvents()
                    + " events)"
                    + window;
        } else if (kind instanceof RuleKind.Value v) {
            return v.aggregate().key()
                    + " "
                    + v.field()
                    + " "
                    + v.comparison().key()
                    + " "
                    + BigDecimal.valueOf(v.bound()).stripTrailingZeros().toPlainString()
                    + " (≥ "
                    + v.minEvents()
                    + " values)"
                    + window;
        } else if (kind instanceof RuleKind.Silence q) {
            return "silent for "
                    + Durations.format(q.silentFor())
                    + " after ≥ "
                    + q.minEvents()
                    + " events"
                    + window;
        } else if (kind instanceof RuleKind.FirstSeen f) {
            return "new "
                    + f.field()
                    + " (learning "
                    + Durations.format(f.learnFor())
                    + ")"
                    + window;
        } else if (kind instanceof RuleKind.Sequence) {
            StringBuilder text = new StringBuilder();
            for (Step step : steps) {
                if (text.length() > 0) {
                    text.append(" → ");
                }
                // An absent step is "then none", not a count.
                text.append(step.absent() ? "none" : step.atLeast() + "×");
            }
            return text + window;
        }
        return "≥ " + steps.get(0).atLeast() + " events" + window;
    }
}
