package io.nginxalerts.core.rules;

import io.nginxalerts.core.event.AccessEvent;
import java.io.Serializable;

/**
 * A field of an {@link AccessEvent} that a condition reads, resolved once when a rule is loaded so
 * that matching does no name lookup. {@link #text} returns exactly what {@link
 * AccessEvent#get(String)} returns for the same name; {@link #number} is the field as a number, or
 * {@code NaN} when it is missing or not numeric (every comparison with {@code NaN} is false, which
 * is the "non-numeric never matches" rule). {@link RuleFieldNames} resolves names. Implementations
 * are value objects (equal when they read the same field), so compiled conditions compare equal.
 */
interface EventField extends Serializable {

    /** The name as written in rule files. */
    String fieldName();

    String text(AccessEvent event);

    default double number(AccessEvent event) {
        return Numbers.parse(text(event));
    }

    /** Whether this is the top-level field {@code field}. */
    default boolean is(AccessEvent.Field field) {
        return false;
    }

    /** A top-level field of the event ({@link AccessEvent.Field}), read from the record. */
    record Top(AccessEvent.Field field) implements EventField {
        @Override
        public String fieldName() {
            return field.jsonName();
        }

        @Override
        public boolean is(AccessEvent.Field other) {
            return field == other;
        }

        @Override
        public String text(AccessEvent e) {
            return field.text(e);
        }

        @Override
        public double number(AccessEvent e) {
            // The numeric components directly, without printing and parsing them.
            switch (field) {
                case STATUS:
                    return e.status() == 0 ? Double.NaN : e.status();
                case SIZE:
                    return e.size();
                case RESPONSETIME:
                    return e.responsetime();
                case UPSTREAMTIME:
                    // nginx lists one time per upstream tried: "0.004, 0.010 : 0.002".
                    return Numbers.sumOfList(e.upstreamtime());
                default:
                    return Numbers.parse(text(e));
            }
        }
    }

    /** A dotted name, read from {@link AccessEvent#extra()}. */
    record Extra(String fieldName) implements EventField {
        @Override
        public String text(AccessEvent e) {
            return e.extra().get(fieldName);
        }
    }

    /** A decoded field ({@link DecodedField}), computed from the event at most once per event. */
    record Decoded(DecodedField decoded) implements EventField {
        @Override
        public String fieldName() {
            return decoded.fieldName();
        }

        @Override
        public String text(AccessEvent e) {
            return decoded.text(e);
        }
    }
}
