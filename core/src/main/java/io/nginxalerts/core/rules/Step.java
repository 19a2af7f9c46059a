package io.nginxalerts.core.rules;

import java.io.Serializable;
import java.util.Objects;

/**
 * One step of a rule: at least {@code atLeast} consecutive events (among the events relevant to the
 * rule) that satisfy {@code condition}. A threshold rule is a single step; a sequence rule is
 * several steps in order.
 */
public record Step(Condition condition, int atLeast) implements Serializable {
    public Step {
        Objects.requireNonNull(condition, "condition");
        if (atLeast < 1) {
            throw new IllegalArgumentException("atLeast must be >= 1, was " + atLeast);
        }
    }
}
