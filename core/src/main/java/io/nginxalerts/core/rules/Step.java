package io.nginxalerts.core.rules;

import java.io.Serializable;
import java.util.Objects;

/**
 * One step of a rule: at least {@code atLeast} consecutive events (among the events relevant to the
 * rule) that satisfy {@code condition}. A threshold rule is a single step; a sequence rule is
 * several steps in order.
 *
 * <p>An absent step ({@code absent: {...}} in YAML, only as a sequence's last step) is the
 * opposite: no event that satisfies {@code condition} within the rule's {@code within} of the first
 * step's first event; its {@code atLeast} is 1.
 */
public record Step(Condition condition, int atLeast, boolean absent) implements Serializable {
    public Step {
        Objects.requireNonNull(condition, "condition");
        if (atLeast < 1) {
            throw new IllegalArgumentException("atLeast must be >= 1, was " + atLeast);
        }
        if (absent && atLeast != 1) {
            throw new IllegalArgumentException("an absent step has no at_least");
        }
    }

    /** A step that must occur. */
    public Step(Condition condition, int atLeast) {
        this(condition, atLeast, false);
    }
}
