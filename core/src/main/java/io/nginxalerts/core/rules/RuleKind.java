package io.nginxalerts.core.rules;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * What decides when a rule fires: exactly one kind per rule. The YAML key that selects it is named
 * in each record's documentation; the README's "Rule types" section gives the exact semantics.
 *
 * <p>Every kind but {@link Sequence} is evaluated per key by a {@code
 * io.nginxalerts.core.detect.Detector} on the events that pass the rule's {@code match}, within the
 * rule's {@code within}; a sequence runs on Flink CEP.
 */
public sealed interface RuleKind extends Serializable {

    /**
     * {@code threshold: n}: at least n matching events (n is the single step's {@code atLeast}).
     */
    record Count() implements RuleKind {}

    /** {@code sequence:}: ordered steps, the last of which may be {@code absent:}. */
    record Sequence() implements RuleKind {}

    /**
     * {@code distinct: field} with {@code threshold: n}: at least n different non-null values of
     * {@code field} (n is the single step's {@code atLeast}).
     */
    record Distinct(String field) implements RuleKind {
        public Distinct {
            Objects.requireNonNull(field, "field");
        }
    }

    /**
     * {@code ratio: {of, at_least, min_events}}: among the matching events within {@code within},
     * the share that also pass {@code of} is at least {@code atLeast} (a fraction in (0, 1]),
     * counted only when at least {@code minEvents} events took part.
     */
    record Ratio(Condition of, double atLeast, int minEvents) implements RuleKind {
        public Ratio {
            Objects.requireNonNull(of, "of");
            if (!(atLeast > 0 && atLeast <= 1) || minEvents < 1) {
                throw new IllegalArgumentException(
                        "ratio needs 0 < at_least <= 1 and min_events >= 1");
            }
        }
    }

    /**
     * {@code value: {field, <aggregate>: {<comparison>: bound}, min_events}}: an aggregate of a
     * numeric field over the matching events within {@code within} that have the field compares
     * true against {@code bound} (durations are in seconds), counted only when at least {@code
     * minEvents} values took part.
     */
    record Value(
            String field, Aggregate aggregate, Comparison comparison, double bound, int minEvents)
            implements RuleKind {
        public Value {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(aggregate, "aggregate");
            Objects.requireNonNull(comparison, "comparison");
            if (minEvents < 1 || Double.isNaN(bound)) {
                throw new IllegalArgumentException("value needs min_events >= 1 and a bound");
            }
        }
    }

    /** The aggregates a {@link Value} rule computes; the name is the YAML key and the JSON key. */
    enum Aggregate {
        AVG("avg", -1),
        MAX("max", -1),
        MIN("min", -1),
        P50("p50", 50),
        P90("p90", 90),
        P95("p95", 95),
        P99("p99", 99);

        private final String key;
        private final int percentile;

        Aggregate(String key, int percentile) {
            this.key = key;
            this.percentile = percentile;
        }

        public String key() {
            return key;
        }

        /** The percentile (50, 90, 95, 99), or -1 for avg, max and min. */
        public int percentile() {
            return percentile;
        }

        /** The aggregate with this YAML key, or null. */
        public static Aggregate named(String key) {
            for (Aggregate a : values()) {
                if (a.key.equals(key)) {
                    return a;
                }
            }
            return null;
        }
    }

    /** How a {@link Value} rule compares its aggregate with its bound. */
    enum Comparison {
        GT("gt"),
        GTE("gte"),
        LT("lt"),
        LTE("lte");

        private final String key;

        Comparison(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        public boolean holds(double value, double bound) {
            return switch (this) {
                case GT -> value > bound;
                case GTE -> value >= bound;
                case LT -> value < bound;
                case LTE -> value <= bound;
            };
        }

        /** The comparison with this YAML key, or null. */
        public static Comparison named(String key) {
            for (Comparison c : values()) {
                if (c.key.equals(key)) {
                    return c;
                }
            }
            return null;
        }
    }

    /**
     * {@code silent_for: d} with {@code min_events}: a key that had at least {@code minEvents}
     * matching events within {@code within} up to its last one gets none for {@code silentFor}.
     */
    record Silence(Duration silentFor, int minEvents) implements RuleKind {
        public Silence {
            Objects.requireNonNull(silentFor, "silentFor");
            if (silentFor.isZero() || silentFor.isNegative() || minEvents < 1) {
                throw new IllegalArgumentException("silent_for > 0 and min_events >= 1");
            }
        }
    }

    /**
     * {@code first_seen: field} with {@code learn_for} and {@code max_values}: a value of {@code
     * field} not seen for this key within {@code within}; no alerts during the first {@code
     * learnFor} of event time; at most {@code maxValues} values kept per key.
     */
    record FirstSeen(String field, Duration learnFor, int maxValues) implements RuleKind {
        public static final int DEFAULT_MAX_VALUES = 10_000;

        public FirstSeen {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(learnFor, "learnFor");
            if (learnFor.isNegative() || maxValues < 1) {
                throw new IllegalArgumentException("learn_for >= 0 and max_values >= 1");
            }
        }
    }
}
